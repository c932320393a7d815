// One BullMQ queue per stage, under a hash-tagged prefix so Redis Cluster keeps every key of a script in one slot.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { STAGES, type StageName } from './names.js';
import type { Emit } from '../stages/types.js';

/** The BullMQ prefix and the root of every key of ours: `{newsflow}`. */
export function keyRoot(prefix: string): string {
  return `{${prefix}}`;
}

export interface JobDefaults {
  attempts: number;
  backoffMs: number;
}

/** Retries with our backoff strategy (exponential, jittered, honouring Retry-After); finished jobs do not pile up. */
export function defaultJobOptions(d: JobDefaults): JobsOptions {
  return {
    attempts: d.attempts,
    backoff: { type: 'newsflow', delay: d.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
  };
}

export type Queues = Record<StageName, Queue>;

export function createQueues(connection: Redis, prefix: string, defaults: JobDefaults): Queues {
  const options = { connection, prefix: keyRoot(prefix), defaultJobOptions: defaultJobOptions(defaults) };
  return Object.fromEntries(STAGES.map((name) => [name, new Queue(name, options)])) as Queues;
}

/** Adds jobs in one round trip per queue; an existing job id is left alone by BullMQ, so repeats create nothing. */
export async function enqueue(queues: Queues, emits: readonly Emit[]): Promise<void> {
  const byQueue = new Map<StageName, Emit[]>();
  for (const e of emits) byQueue.set(e.queue, [...(byQueue.get(e.queue) ?? []), e]);
  await Promise.all(
    [...byQueue].map(([name, list]) =>
      queues[name].addBulk(list.map((e) => ({ name, data: e.payload, opts: { jobId: e.id } }))),
    ),
  );
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

/** Jobs not yet finished in all stages: waiting, active, delayed, prioritized. */
export async function pendingJobs(queues: Queues): Promise<number> {
  const counts = await Promise.all(
    Object.values(queues).map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')),
  );
  return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
}
