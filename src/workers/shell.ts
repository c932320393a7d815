// The one BullMQ worker shell that runs any stage core: validate the payload, bind a child logger, run the core with
// the job's abort signal, enqueue what it emits under deterministic ids, count drops, and map errors to retry or fail.
import { UnrecoverableError, Worker, type Job, type MinimalJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { describeError, NewsflowError, retryable } from '../domain/errors.js';
import type { StageName } from '../jobs/names.js';
import { enqueue, keyRoot, type Queues } from '../jobs/queues.js';
import type { Logger } from '../infra/logger.js';
import type { RunStats } from '../infra/run-stats.js';
import type { StageContext, StageResult } from '../stages/types.js';

export interface StageDefinition<P extends { runId: string }> {
  name: StageName;
  schema: z.ZodType<P>;
  run(payload: P, ctx: StageContext): Promise<StageResult>;
}

export interface ShellOptions {
  connection: Redis;
  prefix: string;
  queues: Queues;
  stats: RunStats;
  log: Logger;
  concurrency: number;
  /** Run the processor in a worker thread from this file (a sandbox) instead of in this thread. */
  sandbox?: URL;
  /** Job lock, stalled-job check interval and the stalls a job survives (see WorkersConfigSchema). */
  lockMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /** Called after a job has failed for good (attempts used up, or a permanent/poison error). */
  onFinalFailure?: (job: Job, error: { kind: string; code: string; message: string }) => Promise<void>;
  /** Called after each job with its outcome and duration, for metrics; a failure carries its stable error code. */
  onOutcome?: (stage: StageName, outcome: 'completed' | 'failed' | 'dropped', seconds: number, code?: string) => void;
  /** Called with every run counter a stage core adds to (`ctx.count`), for metrics. */
  onCount?: (stage: StageName, name: string, by: number) => void;
}

/** Per-minute completed/failed counts BullMQ keeps in Redis for `newsflow status` (one day of data points). */
export const METRICS_DATA_POINTS = 24 * 60;

/** Exponential backoff with jitter that waits at least as long as the source asked (Retry-After). */
export function backoffDelay(attemptsMade: number, baseMs: number, err?: Error): number {
  const exp = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const jittered = exp / 2 + Math.random() * (exp / 2);
  const asked = err instanceof NewsflowError && err.retryAfterMs ? err.retryAfterMs : 0;
  return Math.round(Math.max(jittered, asked));
}

const CODE_PREFIX = /^\[([a-z0-9-]+)\] /;

/** BullMQ keeps only a message; we keep the stable code at its front: "[http-404] not found". */
export function codeOfFailure(failedReason: string | undefined): string {
  return failedReason?.match(CODE_PREFIX)?.[1] ?? 'internal';
}

export type ProcessorOptions = Pick<ShellOptions, 'queues' | 'stats' | 'log' | 'onCount' | 'onOutcome'>;

/**
 * What a sandboxed job returns to the parent: the outcome, and the run counters its stage core added to, which the
 * parent feeds to its metrics (this thread's own counters would be invisible to the process's /metrics).
 */
export interface SandboxResult {
  outcome: string;
  counts: Record<string, number>;
}

export function isSandboxResult(value: unknown): value is SandboxResult {
  return !!value && typeof value === 'object' && typeof (value as SandboxResult).outcome === 'string' && typeof (value as SandboxResult).counts === 'object';
}

/** What a worker runs per job, in the worker's own thread or in a sandbox thread. */
export function createProcessor<P extends { runId: string }>(def: StageDefinition<P>, options: ProcessorOptions) {
  const { queues, stats } = options;
  const stageLog = options.log.child({ stage: def.name });

  const processor = async (job: Pick<Job, 'id' | 'data' | 'attemptsMade'>, _token?: string, signal?: AbortSignal): Promise<string> => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const parsed = def.schema.safeParse(job.data);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
      throw new UnrecoverableError(`[bad-payload] ${message}`);
    }
    const payload = parsed.data;
    const data = job.data as Record<string, unknown>;
    const log = stageLog.child({
      jobId: job.id,
      ...(typeof data.feedId === 'string' ? { feedId: data.feedId } : {}),
      ...(typeof data.articleId === 'string' ? { articleId: data.articleId } : {}),
    });
    const ctx: StageContext = {
      log,
      signal: signal ?? new AbortController().signal,
      now: () => new Date(),
      count: (name, by = 1) => {
        options.onCount?.(def.name, name, by);
        counting.push(stats.incr(payload.runId, name, by).catch((err) => log.warn({ err }, 'could not update run counter')));
      },
    };
    // Counters are written while the core runs and settled before the job is acknowledged either way.
    const counting: Array<Promise<void>> = [];
    try {
      return await runCore(job, payload, ctx, seconds);
    } finally {
      await Promise.all(counting);
    }
  };

  const runCore = async (job: Pick<Job, 'attemptsMade'>, payload: P, ctx: StageContext, seconds: () => number): Promise<string> => {
    const { log } = ctx;
    let result: StageResult;
    try {
      // A cancelled job (shutdown past its bound) must leave the active state now, even if the core ignores the signal.
      const cancelled = new Promise<never>((_, reject) => {
        const fail = () => reject(retryable('cancelled', `job cancelled: ${String(ctx.signal.reason ?? 'abort')}`));
        if (ctx.signal.aborted) fail();
        else ctx.signal.addEventListener('abort', fail, { once: true });
      });
      result = await Promise.race([def.run(payload, ctx), cancelled]);
    } catch (err) {
      const e = describeError(err);
      const message = `[${e.code}] ${e.message}`;
      log.warn({ err, code: e.code, kind: e.kind, attempt: job.attemptsMade + 1 }, 'stage failed');
      options.onOutcome?.(def.name, 'failed', seconds(), e.code);
      if (e.kind !== 'retryable') throw new UnrecoverableError(message);
      const wrapped = new Error(message, { cause: err });
      // Keep Retry-After visible to the backoff strategy.
      throw err instanceof NewsflowError ? Object.assign(err, { message }) : wrapped;
    }
    if ('drop' in result) {
      log.info({ reason: result.drop }, 'dropped');
      await stats.incr(payload.runId, `dropped-${result.drop}`);
      options.onOutcome?.(def.name, 'dropped', seconds());
      return `dropped: ${result.drop}`;
    }
    await enqueue(queues, result.emit);
    await result.commit?.();
    options.onOutcome?.(def.name, 'completed', seconds());
    return `emitted ${result.emit.length}`;
  };
  return processor;
}

/** Dead letters still being filed, per worker: a shutdown waits for them before it closes the queue and Redis. */
const filings = new WeakMap<Worker, Set<Promise<void>>>();

/** Resolves when every job this worker has failed for good so far has been recorded (counter, dead letter). */
export async function failuresRecorded(worker: Worker): Promise<void> {
  await Promise.all(filings.get(worker) ?? []);
}

export function startStageWorker<P extends { runId: string }>(def: StageDefinition<P>, options: ShellOptions): Worker {
  const { stats } = options;
  const stageLog = options.log.child({ stage: def.name });
  // In a sandbox the processor runs in a thread of its own (see sandboxed.ts); metrics hooks then run here, from
  // the job events and the counters the job returns, since the thread's own metrics are not this process's.
  const processor = options.sandbox ?? createProcessor(def, options);

  const worker = new Worker(def.name, processor, {
    ...(options.sandbox ? { useWorkerThreads: true } : {}),
    connection: options.connection,
    prefix: keyRoot(options.prefix),
    concurrency: options.concurrency,
    // A job whose worker died is taken up again after the lock expires; after maxStalledCount it fails for good.
    lockDuration: options.lockMs ?? 60_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 3,
    metrics: { maxDataPoints: METRICS_DATA_POINTS },
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob) =>
        backoffDelay(attemptsMade, (job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 2000, err),
    },
  });

  if (options.sandbox) {
    const seconds = (job: Job) => ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
    worker.on('completed', (job, result: unknown) => {
      const { outcome, counts } = isSandboxResult(result) ? result : { outcome: String(result), counts: {} };
      for (const [name, by] of Object.entries(counts)) options.onCount?.(def.name, name, by);
      options.onOutcome?.(def.name, outcome.startsWith('dropped') ? 'dropped' : 'completed', seconds(job));
    });
    worker.on('failed', (job, err) => {
      if (job) options.onOutcome?.(def.name, 'failed', seconds(job), codeOfFailure(err.message));
    });
  }
  const pending = new Set<Promise<void>>();
  filings.set(worker, pending);
  worker.on('failed', (job, err) => {
    if (!job) return;
    const filing = (async () => {
      // Final when BullMQ moved the job to the failed set (attempts used up, unrecoverable, or stalled too often);
      // otherwise it waits in delayed for its next attempt.
      if ((await job.getState()) !== 'failed') return;
      const e = { kind: err instanceof UnrecoverableError ? 'permanent' : 'retryable', code: codeOfFailure(err.message), message: err.message };
      stageLog.error({ jobId: job.id, code: e.code, err }, 'job failed for good');
      const runId = (job.data as { runId?: unknown }).runId;
      if (typeof runId === 'string') await stats.incr(runId, 'errors');
      await options.onFinalFailure?.(job, e);
    })().catch((error) => stageLog.error({ err: error }, 'could not record a failed job'));
    pending.add(filing);
    void filing.finally(() => pending.delete(filing));
  });
  worker.on('error', (err) => stageLog.error({ err }, 'worker error'));
  return worker;
}
