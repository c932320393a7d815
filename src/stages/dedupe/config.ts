// Options of the dedupe stage; every default is here.
import { z } from 'zod';

export const DedupeConfigSchema = z
  .object({
    /** Days an article's keys stay in the index. */
    retentionDays: z.number().positive().default(30),
  })
  .strict();
export type DedupeConfig = z.infer<typeof DedupeConfigSchema>;
