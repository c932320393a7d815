// A read handle on the queue of jobs that failed for good, which the workers file with their payloads and no worker
// consumes; the dashboard, the metrics and `status` show it next to the stage queues.
import { Queue } from 'bullmq';
import { keyRoot } from '../jobs/queues.js';
import type { Runtime } from '../workers/runtime.js';

export const DEAD_LETTER_QUEUE = 'dead-letter';

/** Shares the runtime's Redis connection; close it when done (the connection stays open). */
export function openDeadLetterQueue(rt: Runtime): Queue {
  return new Queue(DEAD_LETTER_QUEUE, { connection: rt.redis.client, prefix: keyRoot(rt.loaded.config.redis.prefix) });
}
