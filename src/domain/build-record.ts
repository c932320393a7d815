// The output record of one article: the cleaned article, its classification and its dedupe verdict.
import { poison } from './errors.js';
import { ArticleRecordSchema, SCHEMA_VERSION, type ArticleRecord, type ClassifiedArticle, type DedupeResult } from './record.js';

export function buildRecord(article: ClassifiedArticle, dedupe: DedupeResult, pipelineVersion: string): ArticleRecord {
  const c = article.classification;
  const parsed = ArticleRecordSchema.safeParse({
    id: article.id,
    url: article.url,
    canonicalUrl: article.canonicalUrl,
    source: article.source,
    title: article.title,
    author: article.author,
    publishedAt: article.publishedAt,
    fetchedAt: article.fetchedAt,
    lang: c.lang || 'und',
    text: article.text,
    summary: article.summary,
    images: article.images,
    topics: c.topics,
    rules: c.rules,
    entities: c.entities,
    keywords: c.keywords,
    needsReview: c.needsReview,
    dedupe,
    pipelineVersion,
    schemaVersion: SCHEMA_VERSION,
  });
  if (!parsed.success) throw poison('record-invalid', `article ${article.id} does not make a valid record: ${parsed.error.message}`);
  return parsed.data;
}
