// The shapes that travel between stages and the output record, each defined once as a zod schema.
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

const isoDateTime = z.iso.datetime({ offset: true });

export const SourceRefSchema = z.object({
  id: z.string().min(1).describe('Feed id from the feeds file, or "ingest" for local files'),
  title: z.string().nullable(),
  url: z.string().nullable(),
});
export type SourceRef = z.infer<typeof SourceRefSchema>;

export const TopicSchema = z.object({
  code: z.string().nullable().describe('Taxonomy code (IPTC Media Topic id) when the topic has one'),
  label: z.string(),
  score: z.number().min(0).max(1),
  source: z.string().describe('What produced the label: "rule:<id>" or "model:<version>"'),
});
export type Topic = z.infer<typeof TopicSchema>;

const OFFSET_UNIT =
  'in UTF-16 code units, as JavaScript and Elasticsearch count them; they equal code points unless the field has characters beyond U+FFFF (emoji) before the hit';
export const RuleHitSchema = z.object({
  term: z.string(),
  field: z.string().describe('"title" or "text"'),
  start: z.number().int().nonnegative().describe(`Where the hit starts in the field, ${OFFSET_UNIT}`),
  end: z.number().int().nonnegative().describe(`Where the hit ends (exclusive), ${OFFSET_UNIT}`),
});
export const RuleMatchSchema = z.object({
  rule: z.string(),
  version: z.string(),
  hits: z.array(RuleHitSchema),
});
export type RuleMatch = z.infer<typeof RuleMatchSchema>;

export const EntitySchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  mentions: z.number().int().positive(),
});
export type Entity = z.infer<typeof EntitySchema>;

export const DedupeStatusSchema = z.enum(['unique', 'duplicate', 'near-duplicate']);
export type DedupeStatus = z.infer<typeof DedupeStatusSchema>;

export const DedupeResultSchema = z.object({
  status: DedupeStatusSchema,
  duplicateOf: z.string().nullable().describe('Id of the first-seen article this one copies'),
  clusterId: z.string().describe('Stable id of the story cluster: the id of its first article'),
  similarity: z.number().min(0).max(1).nullable(),
  reason: z.string().nullable().describe('What matched: url, item-id, content-hash, near-text; null when unique'),
  updateOf: z.string().nullable().describe('Id of the earlier version when this is an update of the same URL'),
});
export type DedupeResult = z.infer<typeof DedupeResultSchema>;

/** What the clean stage produces: readable text and metadata of one article. */
export const CleanArticleSchema = z.object({
  id: z.string().min(1),
  url: z.string(),
  canonicalUrl: z.string(),
  source: SourceRefSchema,
  feedItemId: z.string().nullable(),
  title: z.string().nullable(),
  author: z.string().nullable(),
  publishedAt: isoDateTime.nullable(),
  fetchedAt: isoDateTime,
  langHint: z.string().nullable(),
  text: z.string(),
  summary: z.string().nullable(),
  images: z.array(z.string()),
  rawRef: z.string().nullable().describe('sha256 of the raw payload in the raw store'),
});
export type CleanArticle = z.infer<typeof CleanArticleSchema>;

export const ClassificationSchema = z.object({
  lang: z.string(),
  langConfidence: z.number().min(0).max(1),
  topics: z.array(TopicSchema),
  rules: z.array(RuleMatchSchema),
  entities: z.array(EntitySchema),
  keywords: z.array(z.string()),
  needsReview: z.boolean(),
});
export type Classification = z.infer<typeof ClassificationSchema>;

export const ClassifiedArticleSchema = CleanArticleSchema.extend({ classification: ClassificationSchema });
export type ClassifiedArticle = z.infer<typeof ClassifiedArticleSchema>;

/** One line of the JSONL output. */
export const ArticleRecordSchema = z
  .object({
    id: z.string().min(1).describe('Stable article id (16 hex digits)'),
    url: z.string().describe('URL the article was read from'),
    canonicalUrl: z.string().describe('URL with tracking parameters removed, or the page canonical link'),
    source: SourceRefSchema,
    title: z.string().nullable(),
    author: z.string().nullable(),
    publishedAt: isoDateTime.nullable().describe('ISO 8601 with offset'),
    fetchedAt: isoDateTime.describe('ISO 8601 with offset'),
    lang: z.string().describe('BCP 47 language tag, "und" when unknown'),
    text: z.string().describe('Main text, paragraphs separated by a blank line'),
    summary: z.string().nullable(),
    images: z.array(z.string()),
    topics: z.array(TopicSchema),
    rules: z.array(RuleMatchSchema),
    entities: z.array(EntitySchema),
    keywords: z.array(z.string()),
    needsReview: z.boolean(),
    dedupe: DedupeResultSchema,
    pipelineVersion: z.string(),
    schemaVersion: z.literal(SCHEMA_VERSION),
  })
  .strict();
export type ArticleRecord = z.infer<typeof ArticleRecordSchema>;

export function articleRecordJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://newsflow.dev/schema/article-record.schema.json',
    title: 'newsflow article record',
    ...z.toJSONSchema(ArticleRecordSchema, { target: 'draft-2020-12' }),
  };
}
