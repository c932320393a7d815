// Options of the classify stage; every default is here. Paths are relative to the config file's folder.
import { z } from 'zod';

export const ClassifyConfigSchema = z
  .object({
    /** Topic rules file: keyword lists per topic. */
    topicsFile: z.string().default('topics.yaml'),
  })
  .strict();
export type ClassifyConfig = z.infer<typeof ClassifyConfigSchema>;
