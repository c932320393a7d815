// Everything a newsflow process holds open: config, logger, Redis, queues, run counters, the raw store and the output.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PACKAGE_ROOT, type LoadedConfig, type LoadOptions } from '../config/load.js';
import { closeQueues, createQueues, keyRoot, type Queues } from '../jobs/queues.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { connectRedis, type RedisHandle } from '../infra/redis.js';
import { RunStats } from '../infra/run-stats.js';
import { DirRawStore } from '../infra/raw-store.js';
import { JsonlOutput } from '../infra/jsonl-output.js';
import { createDeadLetterQueue } from '../jobs/dead-letters.js';
import { Journal } from '../infra/journal.js';
import type { Queue } from 'bullmq';

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

export interface Runtime {
  loaded: LoadedConfig;
  log: Logger;
  redis: RedisHandle;
  /** `{prefix}`: the root of every Redis key of this deployment. */
  root: string;
  queues: Queues;
  /** The BullMQ prefix of this runtime's queues (without braces). */
  queuePrefix: string;
  /** Jobs that failed for good, with their payloads, until a user retries them; under `queuePrefix`. */
  deadLetters: Queue;
  stats: RunStats;
  raw: DirRawStore;
  output: JsonlOutput;
  outDir: string;
  /** Stage inputs kept for replays; null when this runtime must not add to it (a replay itself). */
  journal: Journal | null;
  /** Key prefix of the dedupe index this runtime checks against. */
  dedupeRoot: string;
  /** Key prefix of the fetch stages' state: feed health, validators, seen items, politeness, robots.txt. */
  fetchRoot: string;
  /** Judge duplicates against the index without adding to it (a replay against the deployment's index). */
  dedupeReadOnly: boolean;
  /** Package version + a hash of the settings that change records, so a rule change yields a new version. */
  pipelineVersion: string;
  /** Registers something to release when the runtime closes (before Redis). */
  onClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface RuntimeOptions extends LoadOptions {
  loaded?: LoadedConfig;
  log?: Logger;
  /** Write records here instead of `<dataDir>/<sink.dir>` (replays). */
  outDir?: string;
  /** Queues under this BullMQ prefix instead of the deployment's (a replay runs on queues of its own). */
  queuePrefix?: string;
  /** Check duplicates against this index instead of the deployment's (a replay with a fresh index). */
  dedupeRoot?: string;
  /** Leave the dedupe index as it is: judge articles against it without adding them (default false). */
  dedupeReadOnly?: boolean;
  /** Keep journals of stage inputs (default true). */
  journal?: boolean;
}

/** Hash of what decides a record's content: the clean, classify and dedupe settings and the files they name. */
export function pipelineVersionOf(loaded: LoadedConfig): string {
  const h = createHash('sha256');
  const { clean, classify, dedupe } = loaded.config;
  h.update(JSON.stringify({ clean, classify, dedupe }));
  const c = classify;
  const files = [c.topicsFile, c.rulesFile, c.taxonomyFile, ...c.gazetteerFiles, c.modelFile, c.userDictFile];
  for (const name of files.filter((f): f is string => Boolean(f))) {
    const file = path.resolve(loaded.paths.classifyBaseDir, name);
    try {
      h.update(readFileSync(file));
    } catch {
      h.update(`missing:${file}`);
    }
  }
  return `${PACKAGE_VERSION}+${h.digest('hex').slice(0, 8)}`;
}

export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const loaded = options.loaded ?? loadConfig(options);
  const { config, paths } = loaded;
  const log = options.log ?? createLogger({ level: config.log.level });
  const redis = await connectRedis({ url: config.redis.url, autoStart: config.redis.autoStart, dataDir: paths.dataDir, log });
  const root = keyRoot(config.redis.prefix);
  const queuePrefix = options.queuePrefix ?? config.redis.prefix;
  const queues = createQueues(redis.client, queuePrefix, config.workers);
  // Beside the runtime's own queues: a replay's letters must not reach the deployment's `jobs retry`.
  const deadLetters = createDeadLetterQueue(redis.client, queuePrefix);
  // Without a listener BullMQ prints connection errors to the console while Redis is away.
  for (const q of [...Object.values(queues), deadLetters]) q.on('error', (err) => log.debug({ err, queue: q.name }, 'queue connection error'));
  const outDir = options.outDir ?? path.join(paths.dataDir, config.sink.dir);
  const { fsync, maxFileBytes, compressClosed, leaseMs, ledgerDays } = config.sink;
  const output = new JsonlOutput(redis.client, { dir: outDir, root, fsync, maxFileBytes, compressClosed, leaseMs, ledgerDays, log });
  let closing: Promise<void> | null = null;
  const closers: Array<() => Promise<void>> = [];
  return {
    loaded,
    log,
    redis,
    root,
    queues,
    queuePrefix,
    deadLetters,
    stats: new RunStats(redis.client, root),
    raw: new DirRawStore(path.join(paths.dataDir, 'raw')),
    output,
    outDir,
    journal: options.journal === false ? null : new Journal(path.join(paths.dataDir, 'journal')),
    dedupeRoot: options.dedupeRoot ?? `${root}:dedupe`,
    fetchRoot: `${root}:fetch`,
    dedupeReadOnly: options.dedupeReadOnly ?? false,
    pipelineVersion: pipelineVersionOf(loaded),
    onClose: (fn) => void closers.push(fn),
    close: () =>
      (closing ??= (async () => {
        for (const fn of closers) await fn().catch((err: unknown) => log.warn({ err }, 'close failed'));
        await closeQueues(queues);
        await deadLetters.close();
        await redis.close();
        log.flush?.();
      })()),
  };
}
