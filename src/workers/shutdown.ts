// Ordered, bounded shutdown: stop intake → let active jobs finish (up to a bound, then cancel them so they go back
// to the queue instead of hanging as active) → close workers → flush and close the rest → exit. Safe to trigger twice;
// a second signal forces the exit.
import type { Worker } from 'bullmq';
import type { Logger } from '../infra/logger.js';
import { failuresRecorded } from './shell.js';

export interface ShutdownPlan {
  workers: Worker[];
  graceMs: number;
  /** Closes queues, outputs, Redis, in this order; called after the workers are closed. */
  closeRest: () => Promise<void>;
  log: Logger;
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);

/** How long jobs that failed for good while closing may take to file their dead letters. */
const FILING_MS = 3000;

/**
 * Closes the workers within about graceMs (+ a short cancel window), then waits for the dead letters of jobs that
 * failed for good meanwhile, so the caller may close Redis; never hangs, even when Redis is gone.
 */
export async function closeWorkers(workers: Worker[], graceMs: number, log: Logger): Promise<void> {
  await stopWorkers(workers, graceMs, log);
  // They are filed from 'failed' handlers the workers do not wait for.
  if ((await withTimeout(Promise.all(workers.map(failuresRecorded)), FILING_MS)) === 'timeout') {
    log.error({ ms: FILING_MS }, 'jobs that failed for good are not all recorded in the dead letters (is Redis gone?)');
  }
}

async function stopWorkers(workers: Worker[], graceMs: number, log: Logger): Promise<void> {
  // Stop fetching new jobs at once on every worker; close() resolves when their active jobs are done.
  const closing = Promise.all(workers.map((w) => w.close()));
  if ((await withTimeout(closing, graceMs)) !== 'timeout') return;
  log.warn({ graceMs }, 'active jobs still running at the shutdown bound; cancelling them so they are retried');
  for (const w of workers) w.cancelAllJobs('shutdown');
  if ((await withTimeout(closing, 3000)) !== 'timeout') return;
  log.error('workers did not close (is Redis gone?); forcing');
  await withTimeout(Promise.all(workers.map((w) => w.close(true))), 2000);
}

let shuttingDown: Promise<void> | null = null;

export function runShutdown(plan: ShutdownPlan): Promise<void> {
  return (shuttingDown ??= (async () => {
    const t0 = Date.now();
    await closeWorkers(plan.workers, plan.graceMs, plan.log);
    await withTimeout(plan.closeRest(), 5000);
    plan.log.info({ ms: Date.now() - t0 }, 'shut down');
  })());
}

/** Installs SIGTERM/SIGINT handlers: the first starts the ordered shutdown, a second one exits at once. */
export function onSignals(plan: () => ShutdownPlan, exit: (code: number) => void = (c) => process.exit(c)): void {
  let signals = 0;
  const handler = (signal: NodeJS.Signals) => {
    signals += 1;
    const p = plan();
    if (signals > 1) {
      p.log.warn({ signal }, 'second signal: exiting now');
      exit(130);
      return;
    }
    p.log.info({ signal }, 'shutting down');
    void runShutdown(p).then(
      () => exit(0),
      (err) => {
        p.log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
