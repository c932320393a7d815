// Options of the JSONL sink; every default is here.
import { z } from 'zod';

export const SinkConfigSchema = z
  .object({
    /** Folder under the data dir that receives `YYYY-MM-DD.jsonl` files. */
    dir: z.string().default('out'),
    /** fsync after every write ("always") or leave flushing to the OS ("never"). */
    fsync: z.enum(['always', 'never']).default('always'),
  })
  .strict();
export type SinkConfig = z.infer<typeof SinkConfigSchema>;
