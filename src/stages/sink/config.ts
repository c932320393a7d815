// Options of the JSONL sink; every default is here.
import { z } from 'zod';

export const SinkConfigSchema = z
  .object({
    /** Folder under the data dir that receives `YYYY-MM-DD.jsonl` files. */
    dir: z.string().default('out'),
    /** fsync after every batch ("always") or leave flushing to the OS ("never"). */
    fsync: z.enum(['always', 'never']).default('always'),
    /** A day's file rolls over to `YYYY-MM-DD.1.jsonl`, `.2.jsonl`, … once it reaches this many bytes. */
    maxFileBytes: z.number().int().positive().default(256 * 1024 * 1024),
    /** gzip files once they are closed: rolled-over segments at once, the rest after a day without writes. */
    compressClosed: z.boolean().default(false),
    /** How long a writer may hold a file; a writer that died frees it after this, in ms. */
    leaseMs: z.number().int().positive().default(10_000),
    /** Days the record of written ids is kept; a job redelivered later than this would be written again. */
    ledgerDays: z.number().positive().default(45),
  })
  .strict();
export type SinkConfig = z.infer<typeof SinkConfigSchema>;
