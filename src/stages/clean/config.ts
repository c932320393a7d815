// Options of the clean stage; every default is here.
import { z } from 'zod';

export const CleanConfigSchema = z
  .object({
    /** Boilerplate line patterns (regular expressions) removed at the edges of the body, added to the built-in ones. */
    boilerplate: z.array(z.string()).default([]),
  })
  .strict();
export type CleanConfig = z.infer<typeof CleanConfigSchema>;
