// Starting stage workers in this process and running a batch of work (a crawl, an ingest, a replay) to completion.
import type { Worker } from 'bullmq';
import { STAGES, type StageName } from '../jobs/names.js';
import { enqueue, pendingJobs } from '../jobs/queues.js';
import type { Emit } from '../stages/types.js';
import type { RunSummary } from '../commands/summary.js';
import { closeWorkers } from './shutdown.js';
import { startStageWorker, type ShellOptions } from './shell.js';
import type { Runtime } from './runtime.js';
import { createStageDefinitions } from './stages.js';
import { addDeadLetter } from '../jobs/dead-letters.js';
import { SANDBOX_SPEC_ENV, type SandboxSpec } from './sandboxed.js';

const SANDBOX_PROCESSOR = new URL('../../bin/stage-processor.js', import.meta.url);

/** What a caller may observe of every job (metrics, dead letters). */
export type WorkerHooks = Pick<ShellOptions, 'onFinalFailure' | 'onOutcome' | 'onCount'>;

export async function startWorkers(
  rt: Runtime,
  stages: readonly StageName[] = STAGES,
  hooks: WorkerHooks = {},
): Promise<Worker[]> {
  const { config } = rt.loaded;
  const sandboxed = stages.filter((s) => config.workers.sandbox.includes(s));
  const set = await createStageDefinitions(rt, stages.filter((s) => !sandboxed.includes(s)));
  rt.onClose(set.close);
  if (sandboxed.length) {
    const spec: SandboxSpec = {
      loaded: { ...rt.loaded, config: { ...config, redis: { ...config.redis, autoStart: false } } },
      queuePrefix: rt.queuePrefix,
      dedupeRoot: rt.dedupeRoot,
      outDir: rt.outDir,
      journal: rt.journal !== null,
      stages: sandboxed,
    };
    // Worker threads see this process's environment; the spec tells them how to open the same runtime.
    process.env[SANDBOX_SPEC_ENV] = JSON.stringify(spec);
  }
  return stages.map((name) =>
    startStageWorker(set.definitions[name], {
      ...(sandboxed.includes(name) ? { sandbox: SANDBOX_PROCESSOR } : {}),
      connection: rt.redis.client,
      prefix: rt.queuePrefix,
      queues: rt.queues,
      stats: rt.stats,
      log: rt.log,
      concurrency: config.workers.concurrency[name] ?? 1,
      lockMs: config.workers.lockMs,
      stalledIntervalMs: config.workers.stalledIntervalMs,
      maxStalledCount: config.workers.maxStalledCount,
      ...hooks,
      onFinalFailure: async (job, error) => {
        await addDeadLetter(rt.deadLetters, job, name, error);
        await hooks.onFinalFailure?.(job, error);
      },
    }),
  );
}

/** A run id that sorts by time and contains no ':' (it becomes part of job ids). */
export function newRunId(kind: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Waits until no stage has waiting, active or delayed jobs (seen twice in a row, to step over hand-offs); with a run
 * id, none of that run's.
 */
export async function waitUntilDrained(
  rt: Runtime,
  options: { pollMs?: number; timeoutMs?: number; signal?: AbortSignal; runId?: string } = {},
): Promise<void> {
  const pollMs = options.pollMs ?? 200;
  const deadline = Date.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
  let idle = 0;
  while (idle < 2) {
    if (options.signal?.aborted) throw new Error('interrupted');
    if (Date.now() > deadline) throw new Error('timed out waiting for the pipeline to drain');
    await new Promise((r) => setTimeout(r, pollMs));
    const run = options.runId === undefined ? undefined : { runId: options.runId, redis: rt.redis.client };
    idle = (await pendingJobs(rt.queues, run)) === 0 ? idle + 1 : 0;
  }
}

export interface BatchOptions {
  stages?: readonly StageName[];
  hooks?: WorkerHooks;
  signal?: AbortSignal | undefined;
}

/**
 * Runs one batch of work to completion in this process: starts the stages' workers, enqueues the batch's first jobs,
 * waits until every queue is drained, closes the workers, and summarises from the run's shared counters.
 */
export async function runBatch(rt: Runtime, runId: string, emits: readonly Emit[], options: BatchOptions = {}): Promise<RunSummary> {
  const started = Date.now();
  const workers = await startWorkers(rt, options.stages, options.hooks);
  try {
    await enqueue(rt.queues, emits);
    await waitUntilDrained(rt, { signal: options.signal, runId });
  } finally {
    await closeWorkers(workers, rt.loaded.config.workers.shutdownGraceMs, rt.log);
  }
  return { runId, seconds: (Date.now() - started) / 1000, counts: await rt.stats.get(runId), outDir: rt.outDir };
}
