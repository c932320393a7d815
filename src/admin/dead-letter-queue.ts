// A read handle on the queue of jobs that failed for good, which the workers file with their payloads and no worker
// consumes; the dashboard, the metrics and `status` show it next to the stage queues.
import { Queue } from 'bullmq';
import { keyRoot } from '../jobs/queues.js';
import type { Logger } from '../infra/logger.js';
import type { Runtime } from '../workers/runtime.js';

export const DEAD_LETTER_QUEUE = 'dead-letter';

/** Shares the runtime's Redis connection; close it when done (the connection stays open). */
export function openDeadLetterQueue(rt: Runtime, log: Logger = rt.log): Queue {
  const queue = new Queue(DEAD_LETTER_QUEUE, { connection: rt.redis.client, prefix: keyRoot(rt.loaded.config.redis.prefix) });
  // Without a listener BullMQ prints connection errors to the console while Redis is away.
  queue.on('error', (err) => log.debug({ err, queue: DEAD_LETTER_QUEUE }, 'queue connection error'));
  return queue;
}
