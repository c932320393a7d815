// The payload schema of every queue: the shell validates each job against it before the stage runs.
import { z } from 'zod';
import { ClassifiedArticleSchema, CleanArticleSchema, ArticleRecordSchema, SourceRefSchema } from '../domain/record.js';
import type { StageName } from './names.js';
import type { Feed } from '../config/schema.js';

/** Every job carries the run it belongs to, so a crawl can count its own work. */
const base = { runId: z.string().min(1) };

export const FetchFeedPayloadSchema = z.object({
  ...base,
  feedId: z.string().min(1),
  url: z.string(),
  title: z.string().nullable(),
  fullText: z.enum(['auto', 'always', 'never']),
  /** Ignore the stored ETag/Last-Modified and the seen-items memory (replays, debugging). */
  force: z.boolean().default(false),
  /** Sent by a schedule: skipped while the feed backs off after failures or, when adaptive, before its next poll. */
  scheduled: z.boolean().default(false),
  /** The feed's interval is `auto`: the stage sets its next poll from the publishing rate. */
  adaptive: z.boolean().default(false),
  /** The feed's own limit of new items per poll; fetch.maxNewItemsPerPoll when absent. */
  maxNewItemsPerPoll: z.number().int().positive().optional(),
});
export type FetchFeedPayload = z.infer<typeof FetchFeedPayloadSchema>;

/** The part of a fetch-feed payload that comes from the feed's entry in the feeds file, for crawls and schedules alike. */
export function feedPayloadFields(feed: Feed): Pick<FetchFeedPayload, 'feedId' | 'url' | 'title' | 'fullText' | 'adaptive' | 'maxNewItemsPerPoll'> {
  return {
    feedId: feed.id,
    url: feed.url,
    title: feed.title ?? null,
    fullText: feed.fullText,
    // `interval` is ignored under `cron` (see the feeds schema): a cron feed polls at its pattern, never adaptively.
    adaptive: !feed.cron && feed.interval === 'auto',
    ...(feed.maxNewItemsPerPoll ? { maxNewItemsPerPoll: feed.maxNewItemsPerPoll } : {}),
  };
}

/** What the feed said about an item; the clean stage falls back to it when the page lacks a field. */
export const ItemHintsSchema = z.object({
  feedItemId: z.string().nullable(),
  title: z.string().nullable(),
  author: z.string().nullable(),
  publishedAt: z.string().nullable(),
  summary: z.string().nullable(),
  images: z.array(z.string()).default([]),
});
export type ItemHints = z.infer<typeof ItemHintsSchema>;

export const FetchArticlePayloadSchema = z.object({
  ...base,
  articleId: z.string().min(1),
  url: z.string(),
  source: SourceRefSchema,
  hints: ItemHintsSchema,
});
export type FetchArticlePayload = z.infer<typeof FetchArticlePayloadSchema>;

/** A page or document to clean. Its body is in the raw store (by sha256), never inline in Redis. */
export const CleanPayloadSchema = z.object({
  ...base,
  articleId: z.string().min(1),
  url: z.string(),
  source: SourceRefSchema,
  hints: ItemHintsSchema,
  rawRef: z.string().regex(/^[0-9a-f]{64}$/),
  /** html: a web page or feed content; markdown: a Markdown dump with YAML front matter. */
  format: z.enum(['html', 'markdown']),
  fetchedAt: z.iso.datetime({ offset: true }),
  /**
   * The Content-Type the page was served with: its charset decides the decoding over the page's own <meta>, as in a
   * browser. Absent in payloads queued or journaled before it was carried, and for ingested files; those are decoded
   * by their declaration and the bytes alone.
   */
  contentType: z.string().optional(),
});
export type CleanPayload = z.infer<typeof CleanPayloadSchema>;

export const ClassifyPayloadSchema = z.object({ ...base, article: CleanArticleSchema });
export type ClassifyPayload = z.infer<typeof ClassifyPayloadSchema>;

export const DedupePayloadSchema = z.object({ ...base, article: ClassifiedArticleSchema });
export type DedupePayload = z.infer<typeof DedupePayloadSchema>;

export const SinkPayloadSchema = z.object({ ...base, record: ArticleRecordSchema });
export type SinkPayload = z.infer<typeof SinkPayloadSchema>;

export const PAYLOAD_SCHEMAS = {
  'fetch-feed': FetchFeedPayloadSchema,
  'fetch-article': FetchArticlePayloadSchema,
  clean: CleanPayloadSchema,
  classify: ClassifyPayloadSchema,
  dedupe: DedupePayloadSchema,
  sink: SinkPayloadSchema,
} satisfies Record<StageName, z.ZodType>;
