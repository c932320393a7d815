// The config file and feeds file schemas. Strict: an unknown key is an error, not a silent no-op.
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { FetchConfigSchema } from '../stages/fetch/config.js';
import { CleanConfigSchema } from '../stages/clean/config.js';
import { ClassifyConfigSchema } from '../stages/classify/config.js';
import { DedupeConfigSchema } from '../stages/dedupe/config.js';
import { SinkConfigSchema } from '../stages/sink/config.js';
import { STAGES } from '../jobs/names.js';

const concurrencyShape = Object.fromEntries(STAGES.map((s) => [s, z.number().int().positive().optional()])) as Record<
  (typeof STAGES)[number],
  z.ZodOptional<z.ZodNumber>
>;

export const RedisConfigSchema = z
  .object({
    /** Redis URL; REDIS_URL overrides. */
    url: z.string().default('redis://127.0.0.1:6379'),
    /** Key prefix of every queue and index; wrapped in a hash tag `{...}` so Redis Cluster keeps them in one slot. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only')
      .default('newsflow'),
    /** Start a private redis-server under the data dir when nothing answers at the default local URL. */
    autoStart: z.boolean().default(true),
  })
  .strict();

export const WorkersConfigSchema = z
  .object({
    /** Jobs each process runs at once, per stage. */
    concurrency: z.object(concurrencyShape).strict().prefault({}),
    /** Attempts per job before it goes to the dead letters. */
    attempts: z.number().int().positive().default(5),
    /** First retry delay in ms; doubles each attempt, with jitter. */
    backoffMs: z.number().int().positive().default(2_000),
    /** On shutdown, how long active jobs may run before workers are closed forcibly, in ms. */
    shutdownGraceMs: z.number().int().positive().default(10_000),
    /** A job's lock; a worker that dies holding it gives the job back after about this long, in ms. */
    lockMs: z.number().int().positive().default(60_000),
    /** How often workers look for jobs whose worker died, in ms. */
    stalledIntervalMs: z.number().int().positive().default(30_000),
    /** A job whose worker died this many times goes to the dead letters (it may be what kills them). */
    maxStalledCount: z.number().int().min(0).default(3),
    /** Stages whose jobs run in worker threads, so one slow page cannot stall the other jobs of the process. */
    sandbox: z.array(z.enum(STAGES)).default([]),
  })
  .strict();

export const AdminConfigSchema = z
  .object({
    /** Port of the admin HTTP server (/livez, /readyz, /metrics, /admin/queues) that `serve` starts; null: none;
     *  0: any free port. `serve --admin-port` and NEWSFLOW_ADMIN_PORT override. */
    port: z.number().int().min(0).max(65535).nullable().default(null),
    /** Address it binds to; any address but loopback requires `token`. NEWSFLOW_ADMIN_HOST overrides. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Bearer token every request must carry when set (required off loopback). NEWSFLOW_ADMIN_TOKEN overrides. */
    token: z.string().min(16, 'at least 16 characters').nullable().default(null),
  })
  .strict();
export type AdminConfig = z.infer<typeof AdminConfigSchema>;

export const ConfigSchema = z
  .object({
    /** Where output, raw payloads and a private Redis live; NEWSFLOW_DATA_DIR overrides. */
    dataDir: z.string().default('./data'),
    /** The feeds file, relative to the config file that names it. */
    feedsFile: z.string().default('feeds.example.yaml'),
    redis: RedisConfigSchema.prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
    workers: WorkersConfigSchema.prefault({}),
    fetch: FetchConfigSchema.prefault({}),
    clean: CleanConfigSchema.prefault({}),
    classify: ClassifyConfigSchema.prefault({}),
    dedupe: DedupeConfigSchema.prefault({}),
    sink: SinkConfigSchema.prefault({}),
    store: z
      .object({
        /** Raw payloads, their manifests and the stage journals older than this many days are pruned. */
        retentionDays: z.number().positive().default(90),
        /** Raw payloads beyond this many bytes (after compression) are pruned, oldest first; null for no limit. */
        maxBytes: z.number().int().positive().nullable().default(null),
      })
      .strict()
      .prefault({}),
    admin: AdminConfigSchema.prefault({}),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

export const FeedSchema = z
  .object({
    /** Stable id, used in records, job ids and logs. */
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only'),
    url: z.url({ protocol: /^https?$/ }),
    title: z.string().optional(),
    /** The site's home page (OPML htmlUrl), kept so an export gives it back. */
    siteUrl: z.string().optional(),
    tags: z.array(z.string()).default([]),
    /** auto: fetch the article page when the feed item has little text; always / never. */
    fullText: z.enum(['auto', 'always', 'never']).default('auto'),
    /**
     * How often `serve` polls the feed: a duration such as 90s, 15m, 2h, 1d, or `auto` to follow the feed's publishing
     * rate within fetch.adaptive's bounds. Ignored when `cron` is set.
     */
    interval: z
      .string()
      .regex(/^(\d+(s|m|h|d)|auto)$/, 'a duration such as 90s, 15m, 2h or 1d, or auto')
      // A zero interval passes the pattern but is no schedule: BullMQ refuses `every: 0` when `serve` starts.
      .refine((v) => v === 'auto' || isPositiveDuration(v), 'a duration greater than zero, such as 90s, 15m, 2h or 1d')
      .default('30m'),
    /** This feed's fetch.maxNewItemsPerPoll, e.g. for a firehose that publishes more than that between polls. */
    maxNewItemsPerPoll: z.number().int().positive().optional(),
    /** A cron pattern instead of an interval, e.g. "0 7-22 * * *". */
    cron: z.string().optional(),
    /** Time zone of the cron pattern, e.g. Asia/Shanghai; UTC by default. */
    tz: z
      .string()
      .refine(isTimeZone, { error: (issue) => `not a time zone: "${String(issue.input)}" (an IANA name such as Europe/Paris, Asia/Shanghai or UTC)` })
      .optional(),
  })
  .strict()
  .superRefine((feed, ctx) => {
    // The pattern is checked here, as BullMQ will read it, so a bad one stops `config check`, `serve` and
    // `feeds reload` with the feed's place in the file instead of a stack trace halfway through a sync.
    if (!feed.cron) return;
    const problem = cronProblem(feed.cron, feed.tz !== undefined && isTimeZone(feed.tz) ? feed.tz : 'UTC');
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
  });
export type Feed = z.infer<typeof FeedSchema>;

export const FeedsFileSchema = z
  .object({ feeds: z.array(FeedSchema) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.feeds.forEach((feed, i) => {
      if (seen.has(feed.id)) ctx.addIssue({ code: 'custom', path: ['feeds', i, 'id'], message: `duplicate feed id "${feed.id}"` });
      seen.add(feed.id);
    });
  });
export type FeedsFile = z.infer<typeof FeedsFileSchema>;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Whether a duration is above zero and representable; anything that is not a duration is the pattern's to refuse. */
function isPositiveDuration(text: string): boolean {
  if (!/^\d+[smhd]$/.test(text)) return true;
  const ms = durationMs(text);
  return ms > 0 && Number.isSafeInteger(ms);
}

/** Whether Intl (and so luxon, which reads cron patterns' zones for cron-parser) knows the zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why a cron pattern cannot schedule anything in `tz` (as BullMQ reads it, with cron-parser), or null when it can. */
export function cronProblem(pattern: string, tz: string): string | null {
  try {
    // next() too: a pattern such as "0 0 30 2 *" parses but never fires, and BullMQ would skip its scheduler silently.
    CronExpressionParser.parse(pattern, { currentDate: new Date(), tz }).next();
    return null;
  } catch (err) {
    return `not a cron pattern BullMQ can schedule: "${pattern}": ${(err as Error).message.replace(/\s+/g, ' ')}`;
  }
}

/** Milliseconds of a duration such as 90s, 15m, 2h, 1d. */
export function durationMs(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
