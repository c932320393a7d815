// `newsflow replay`: run the stages again over stored inputs (raw payloads for the clean stage, cleaned or classified
// articles for later stages) after a rule or threshold changed, without fetching anything anew. A replay runs on
// queues of its own (so running services never pick its jobs up) and writes to a folder of its own.
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { LoadedConfig } from '../config/load.js';
import { jobId } from '../domain/ids.js';
import type { ArticleRecord } from '../domain/record.js';
import { Journal, type JournalEntry, type JournalStage } from '../infra/journal.js';
import { listOutputFiles, readRecords } from '../infra/jsonl-output.js';

export { readRecords };
import { deleteKeysMatching } from '../infra/redis.js';
import type { Logger } from '../infra/logger.js';
import { STAGES, type StageName } from '../jobs/names.js';
import { enqueue, keyRoot, pendingJobs, type Queues } from '../jobs/queues.js';
import type { Emit } from '../stages/types.js';
import { closeWorkers } from '../workers/shutdown.js';
import { newRunId, startWorkers, waitUntilDrained } from '../workers/pipeline.js';
import { openRuntime } from '../workers/runtime.js';

export interface ReplayOptions {
  since?: string | undefined;
  until?: string | undefined;
  feedId?: string | undefined;
  fromStage: JournalStage;
  outDir?: string | undefined;
  dryRun?: boolean;
  /** live: verdicts as the deployment's index gave them (reproducible); fresh: a new index, for changed thresholds. */
  dedupe?: 'live' | 'fresh';
  /**
   * Most of the replay's jobs waiting or running in Redis at once (default DEFAULT_MAX_PENDING): stored inputs are
   * enqueued as earlier ones finish, since classify and dedupe jobs carry the whole article.
   */
  maxPending?: number | undefined;
  /** Called with (done, total) while the replay runs. */
  onProgress?: (done: number, total: number) => void;
  log?: Logger;
  /** Stops waiting for the replay (Ctrl-C); it then throws, after removing its queues as a finished replay does. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_PENDING = 2_000;

export interface FieldChange {
  field: string;
  changed: number;
  examples: Array<{ id: string; before: unknown; after: unknown }>;
}

export interface ReplayReport {
  runId: string;
  outDir: string;
  /** Stored inputs replayed, the last of each article; `droppedBefore` of them had been dropped when first run. */
  read: number;
  droppedBefore: number;
  /** Records the replay wrote: changed + unchanged + new + recovered. */
  processed: number;
  changed: number;
  unchanged: number;
  /** Replayed records with no original in the output (e.g. the original was written under another folder). */
  new: number;
  /** Replayed records of inputs that had been dropped when first run (a page without text before a site rule). */
  recovered: number;
  /** Inputs a stage dropped again in the replay, so no record came of them. */
  dropped: number;
  failed: number;
  fields: FieldChange[];
  /** Dry run: entries per day and feed. */
  plan?: Record<string, number>;
}

const EXAMPLES = 3;

/**
 * Per top-level field, how many replayed records differ from their originals, with a few examples. A record without
 * an original is `recovered` when its input had been dropped before, `fresh` otherwise.
 */
export function diffRecords(before: Map<string, ArticleRecord>, after: ArticleRecord[], droppedBefore: ReadonlySet<string> = new Set()) {
  const fields = new Map<string, FieldChange>();
  let changed = 0;
  let fresh = 0;
  let recovered = 0;
  for (const rec of after) {
    const old = before.get(rec.id);
    if (!old) {
      if (droppedBefore.has(rec.id)) recovered += 1;
      else fresh += 1;
      continue;
    }
    let any = false;
    for (const key of new Set([...Object.keys(old), ...Object.keys(rec)])) {
      // Not what the stages made of it: the version names the settings, and fetchedAt is the last stored fetch of
      // the article (a crawl --force fetched it again, unchanged, after its record was written).
      if (key === 'pipelineVersion' || key === 'fetchedAt') continue;
      const a = (old as Record<string, unknown>)[key];
      const b = (rec as Record<string, unknown>)[key];
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      any = true;
      const f = fields.get(key) ?? { field: key, changed: 0, examples: [] };
      f.changed += 1;
      if (f.examples.length < EXAMPLES) f.examples.push({ id: rec.id, before: a, after: b });
      fields.set(key, f);
    }
    if (any) changed += 1;
  }
  return { changed, fresh, recovered, fields: [...fields.values()].sort((x, y) => y.changed - x.changed) };
}

async function planOf(entries: AsyncIterable<JournalEntry>): Promise<Record<string, number>> {
  const plan: Record<string, number> = {};
  for await (const e of entries) {
    const key = `${e.fetchedAt.slice(0, 10)} ${e.feedId ?? '-'}`;
    plan[key] = (plan[key] ?? 0) + 1;
  }
  return plan;
}

/** How long a replay waits at most before it looks again whether its jobs left room for more. */
const WINDOW_POLL_MS = 100;

/**
 * The replay's articles that finished (written, dropped, failed for good), as this process's workers report them:
 * only they take the replay's jobs, since its queues are its own.
 */
function finishedArticles() {
  const seen = { count: 0, dropped: 0 };
  let waiter: { at: number; wake: () => void } | undefined;
  return {
    seen,
    add(dropped: boolean): void {
      seen.count += 1;
      if (dropped) seen.dropped += 1;
      if (waiter && seen.count >= waiter.at) waiter.wake();
    },
    /** Resolves once `n` more articles have finished, or after `ms`. */
    next(n: number, ms: number): Promise<void> {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiter = undefined;
          resolve();
        };
        const timer = setTimeout(wake, ms);
        waiter = { at: seen.count + n, wake };
      });
    },
  };
}

/**
 * Enqueues the entries a window at a time: each article has one job in flight (at the stage it has reached), so
 * topping up to `maxPending` jobs in flight keeps at most that many articles in Redis, however many are replayed.
 */
async function enqueueInWindows(
  queues: Queues,
  entries: AsyncIterable<JournalEntry>,
  toJob: (e: JournalEntry) => Emit,
  options: { maxPending: number; finished: ReturnType<typeof finishedArticles>; signal?: AbortSignal | undefined },
): Promise<void> {
  const { maxPending, finished, signal } = options;
  const iterator = entries[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (signal?.aborted) throw new Error('interrupted');
      const batch: Emit[] = [];
      for (let room = maxPending - (await pendingJobs(queues)); batch.length < room; ) {
        const next = await iterator.next();
        if (next.done) return await enqueue(queues, batch);
        batch.push(toJob(next.value));
      }
      await enqueue(queues, batch);
      // Counting the jobs costs a round trip per stage: top up when a quarter of the window has room again.
      await finished.next(Math.ceil(maxPending / 4), WINDOW_POLL_MS);
    }
  } finally {
    await iterator.return?.();
  }
}

export async function replay(loaded: LoadedConfig, options: ReplayOptions): Promise<ReplayReport> {
  const runId = newRunId('replay');
  const journal = new Journal(path.join(loaded.paths.dataDir, 'journal'));
  const entries = await journal.select(options.fromStage, { since: options.since, until: options.until, feedId: options.feedId });
  const total = entries.count;
  const outDir = path.resolve(options.outDir ?? path.join(loaded.paths.dataDir, 'replay', runId));
  const base: ReplayReport = {
    runId, outDir, read: total, droppedBefore: entries.dropped,
    processed: 0, changed: 0, unchanged: 0, new: 0, recovered: 0, dropped: 0, failed: 0, fields: [],
  };
  if (options.dryRun) return { ...base, plan: await planOf(entries) };
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new RangeError(`maxPending must be a whole number from 1, not ${maxPending}`);

  const prefix = loaded.config.redis.prefix;
  const queuePrefix = `${prefix}-replay-${runId}`;
  const dedupeRoot = options.dedupe === 'fresh' ? `${keyRoot(prefix)}:dedupe-${runId}` : undefined;
  // Against the deployment's index, a replay reads the verdicts it holds and adds nothing: an article whose entry
  // expired is judged against the index as it stands, and stays out of it.
  const rt = await openRuntime({
    loaded, outDir, queuePrefix, journal: false, dedupeReadOnly: !dedupeRoot,
    ...(dedupeRoot ? { dedupeRoot } : {}), ...(options.log ? { log: options.log } : {}),
  });
  // A finished replay job is of no use to anyone (the queues go when the replay ends), and it would keep its article
  // in Redis. Stages run in a sandbox enqueue through queues of their own, which keep the deployment's retention.
  for (const q of Object.values(rt.queues)) q.jobsOpts = { ...q.jobsOpts, removeOnComplete: true };
  try {
    const stages = STAGES.slice(STAGES.indexOf(options.fromStage as StageName));
    const finished = finishedArticles();
    const workers = await startWorkers(rt, stages, {
      onOutcome: (stage, outcome) => {
        // The sink's drop (a record already written) leaves a record; an earlier stage's leaves none.
        if (stage === 'sink' && outcome !== 'failed') finished.add(false);
        else if (outcome === 'dropped') finished.add(true);
      },
      onFinalFailure: async () => finished.add(false),
    });
    const ticker = setInterval(() => options.onProgress?.(Math.min(finished.seen.count, total), total), 500);
    const droppedBefore = new Set<string>();
    try {
      const toJob = (e: JournalEntry): Emit => {
        if (e.dropped) droppedBefore.add(e.articleId);
        return { queue: options.fromStage, id: jobId(options.fromStage, e.articleId, runId), payload: { ...e.payload, runId } };
      };
      await enqueueInWindows(rt.queues, entries, toJob, { maxPending, finished, signal: options.signal });
      await waitUntilDrained(rt, { signal: options.signal });
    } finally {
      clearInterval(ticker);
      await closeWorkers(workers, loaded.config.workers.shutdownGraceMs, rt.log);
    }
    options.onProgress?.(total, total);
    const counts = await rt.stats.get(runId);
    // Every job that failed for good left a letter in the replay's own queue (closeWorkers waited for them); the
    // counter covers a letter that could not be filed.
    const letters = await rt.deadLetters.getJobCountByTypes('waiting', 'prioritized', 'delayed');
    const replayed = await readRecords(await listOutputFiles(outDir));
    const days = new Set(replayed.map((r) => r.fetchedAt.slice(0, 10)));
    const originalFiles = (await listOutputFiles(path.join(loaded.paths.dataDir, loaded.config.sink.dir))).filter((f) =>
      days.has(path.basename(f).slice(0, 10)),
    );
    const before = new Map((await readRecords(originalFiles)).map((r) => [r.id, r]));
    const diff = diffRecords(before, replayed, droppedBefore);
    return {
      ...base,
      processed: replayed.length,
      changed: diff.changed,
      unchanged: replayed.length - diff.changed - diff.fresh - diff.recovered,
      new: diff.fresh,
      recovered: diff.recovered,
      dropped: finished.seen.dropped,
      failed: Math.max(counts.errors ?? 0, letters),
      fields: diff.fields,
    };
  } finally {
    for (const q of [...Object.values(rt.queues), rt.deadLetters]) await q.obliterate({ force: true }).catch(() => {});
    // The replay's queues and dead letters are its own: nothing of them stays behind (obliterate keeps a few
    // bookkeeping keys).
    await deleteKeysMatching(rt.redis.client, `${keyRoot(queuePrefix)}*`).catch(() => {});
    if (dedupeRoot) await deleteKeysMatching(rt.redis.client, `${dedupeRoot}*`).catch(() => {});
    await rt.close();
  }
}

/** Progress on a terminal as a bar, elsewhere as a plain line every few seconds. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { update: (done: number, total: number) => void; stop: () => void } {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ format: 'replay [{bar}] {value}/{total} articles  {eta}s left', stream }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update: (done, total) => {
        if (!started) bar.start(total, done);
        started = true;
        bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (done, total) => {
      if (Date.now() - last < 2000 && done < total) return;
      last = Date.now();
      stream.write(`replayed ${done}/${total} articles\n`);
    },
    stop: () => {},
  };
}

export function formatReplay(r: ReplayReport, showDiff: boolean): string {
  if (r.plan) {
    const rows = Object.entries(r.plan).map(([k, n]) => `  ${k}  ${n}`);
    const dropped = r.droppedBefore ? ` (${r.droppedBefore} of them dropped when first run)` : '';
    return [`dry run: ${r.read} stored articles would be replayed${dropped}`, ...rows].join('\n');
  }
  const lines = [
    `replay ${r.runId}`,
    `  read        ${r.read}${r.droppedBefore ? `   (dropped when first run ${r.droppedBefore})` : ''}`,
    `  processed   ${r.processed}`,
    `  changed     ${r.changed}   (unchanged ${r.unchanged}, without an original ${r.new}, recovered ${r.recovered})`,
    `  dropped     ${r.dropped}`,
    `  failed      ${r.failed}`,
    `output: ${r.outDir}`,
  ];
  if (showDiff) {
    lines.push(r.fields.length ? 'changes by field:' : 'no field changed');
    for (const f of r.fields) {
      lines.push(`  ${f.field}: ${f.changed} records`);
      for (const ex of f.examples) lines.push(`    ${ex.id}: ${JSON.stringify(ex.before)} → ${JSON.stringify(ex.after)}`.slice(0, 400));
    }
  }
  return lines.join('\n');
}
