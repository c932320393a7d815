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

/** Jobs per addBulk: one MULTI runs in Redis without a break, and a feed can list a hundred thousand items. */
const ENQUEUE_BATCH = 1_000;

/**
 * Adds jobs, in one round trip per queue and thousand jobs. Batches need no transaction around them: ids are
 * deterministic and BullMQ leaves an existing id alone, so a stage that dies half-way re-emits all and creates only
 * the missing ones.
 */
export async function enqueue(queues: Queues, emits: readonly Emit[]): Promise<void> {
  const byQueue = new Map<StageName, Emit[]>();
  for (const e of emits) {
    const list = byQueue.get(e.queue);
    if (list) list.push(e);
    else byQueue.set(e.queue, [e]);
  }
  await Promise.all(
    [...byQueue].map(async ([name, list]) => {
      for (let i = 0; i < list.length; i += ENQUEUE_BATCH) {
        const batch = list.slice(i, i + ENQUEUE_BATCH);
        await queues[name].addBulk(batch.map((e) => ({ name, data: e.payload, opts: { jobId: e.id } })));
      }
    }),
  );
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

const UNFINISHED = ['wait', 'paused', 'active', 'prioritized', 'delayed', 'waiting-children'] as const;

// KEYS: a queue's unfinished lists (wait, paused, active), then its sets (prioritized, delayed, waiting-children).
// ARGV: the id suffix. Counts the ids that end with it, reading 10,000 at a time.
const COUNT_SUFFIXED = `
local suffix, n = ARGV[1], 0
local len = #suffix
for i, key in ipairs(KEYS) do
  local from = 0
  repeat
    local ids = i <= 3 and redis.call('LRANGE', key, from, from + 9999) or redis.call('ZRANGE', key, from, from + 9999)
    for _, id in ipairs(ids) do if string.sub(id, -len) == suffix then n = n + 1 end end
    from = from + 10000
  until #ids < 10000
end
return n`;

/**
 * Jobs not yet finished in all stages: waiting, active, delayed, prioritized. With a run id, only that run's: its
 * jobs' ids end in `-<runId>` (ids.ts), and the queues also hold others' (a Job Scheduler's next tick is always
 * delayed there, and a service may be running beside the run). Counting one run reads every queued id inside Redis,
 * so it is done only when some job is unfinished at all.
 */
export async function pendingJobs(queues: Queues, run?: { runId: string; redis: Redis }): Promise<number> {
  // Stage by stage in pipeline order, both counts: a stage adds the next stage's job before its own completes, so an
  // article handed on meanwhile is counted at least once and the count never falls short.
  let all = 0;
  for (const name of STAGES) {
    const counts = await queues[name].getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    all += Object.values(counts).reduce((a, b) => a + b, 0);
  }
  if (!run || all === 0) return all;
  let ofRun = 0;
  for (const name of STAGES) {
    const q = queues[name];
    ofRun += Number(await run.redis.eval(COUNT_SUFFIXED, UNFINISHED.length, ...UNFINISHED.map((k) => q.keys[k]!), `-${run.runId}`));
  }
  return ofRun;
}
