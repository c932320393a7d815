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
import { enqueue, keyRoot } from '../jobs/queues.js';
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
  /** Called with (done, total) while the replay runs. */
  onProgress?: (done: number, total: number) => void;
  log?: Logger;
  /** Stops waiting for the replay (Ctrl-C); it then throws, after removing its queues as a finished replay does. */
  signal?: AbortSignal;
}

export interface FieldChange {
  field: string;
  changed: number;
  examples: Array<{ id: string; before: unknown; after: unknown }>;
}

export interface ReplayReport {
  runId: string;
  outDir: string;
  read: number;
  processed: number;
  changed: number;
  unchanged: number;
  /** Replayed records with no original in the output (e.g. the original was written under another folder). */
  new: number;
  failed: number;
  fields: FieldChange[];
  /** Dry run: entries per day and feed. */
  plan?: Record<string, number>;
}

const EXAMPLES = 3;

/** Per top-level field, how many replayed records differ from their originals, with a few examples. */
export function diffRecords(before: Map<string, ArticleRecord>, after: ArticleRecord[]) {
  const fields = new Map<string, FieldChange>();
  let changed = 0;
  let fresh = 0;
  for (const rec of after) {
    const old = before.get(rec.id);
    if (!old) {
      fresh += 1;
      continue;
    }
    let any = false;
    for (const key of new Set([...Object.keys(old), ...Object.keys(rec)])) {
      if (key === 'pipelineVersion') continue;
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
  return { changed, fresh, fields: [...fields.values()].sort((x, y) => y.changed - x.changed) };
}

function planOf(entries: JournalEntry[]): Record<string, number> {
  const plan: Record<string, number> = {};
  for (const e of entries) {
    const key = `${e.fetchedAt.slice(0, 10)} ${e.feedId ?? '-'}`;
    plan[key] = (plan[key] ?? 0) + 1;
  }
  return plan;
}

export async function replay(loaded: LoadedConfig, options: ReplayOptions): Promise<ReplayReport> {
  const runId = newRunId('replay');
  const journal = new Journal(path.join(loaded.paths.dataDir, 'journal'));
  const entries = await journal.read(options.fromStage, { since: options.since, until: options.until, feedId: options.feedId });
  const outDir = path.resolve(options.outDir ?? path.join(loaded.paths.dataDir, 'replay', runId));
  const base: ReplayReport = { runId, outDir, read: entries.length, processed: 0, changed: 0, unchanged: 0, new: 0, failed: 0, fields: [] };
  if (options.dryRun) return { ...base, plan: planOf(entries) };

  const prefix = loaded.config.redis.prefix;
  const queuePrefix = `${prefix}-replay-${runId}`;
  const dedupeRoot = options.dedupe === 'fresh' ? `${keyRoot(prefix)}:dedupe-${runId}` : undefined;
  const rt = await openRuntime({ loaded, outDir, queuePrefix, journal: false, ...(dedupeRoot ? { dedupeRoot } : {}), ...(options.log ? { log: options.log } : {}) });
  try {
    const stages = STAGES.slice(STAGES.indexOf(options.fromStage as StageName));
    const workers = await startWorkers(rt, stages);
    const ticker = setInterval(() => {
      void rt.stats.get(runId).then((c) => {
        const done = Object.entries(c)
          .filter(([k]) => k === 'articles-written' || k === 'errors' || k.startsWith('dropped-'))
          .reduce((s, [, v]) => s + v, 0);
        options.onProgress?.(Math.min(done, entries.length), entries.length);
      });
    }, 500);
    try {
      await enqueue(
        rt.queues,
        entries.map((e) => ({
          queue: options.fromStage,
          id: jobId(options.fromStage, e.articleId, runId),
          payload: { ...e.payload, runId },
        })),
      );
      await waitUntilDrained(rt, { signal: options.signal });
    } finally {
      clearInterval(ticker);
      await closeWorkers(workers, loaded.config.workers.shutdownGraceMs, rt.log);
    }
    options.onProgress?.(entries.length, entries.length);
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
    const diff = diffRecords(before, replayed);
    return {
      ...base,
      processed: replayed.length,
      changed: diff.changed,
      unchanged: replayed.length - diff.changed - diff.fresh,
      new: diff.fresh,
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
    return [`dry run: ${r.read} stored articles would be replayed`, ...rows].join('\n');
  }
  const lines = [
    `replay ${r.runId}`,
    `  read        ${r.read}`,
    `  processed   ${r.processed}`,
    `  changed     ${r.changed}   (unchanged ${r.unchanged}, without an original ${r.new})`,
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
