// The library surface: the stage functions for programmatic use, and the record schema.
export { parseFeed } from './stages/fetch/parse-feed.js';
export type { ParsedFeed, FeedItem, ParseFeedOptions } from './stages/fetch/types.js';
export { extract } from './stages/clean/extract.js';
export { parseMarkdownDump } from './stages/clean/markdown-dump.js';
export type { Extracted } from './stages/clean/types.js';
export { classify, loadClassifier, detectLanguage } from './stages/classify/index.js';
export type { Classifier, ClassifyInput } from './stages/classify/types.js';
export { fingerprint } from './stages/dedupe/fingerprint.js';
export { compare } from './stages/dedupe/compare.js';
export { canonicalizeUrl } from './domain/canonical-url.js';
export { decodeBody } from './domain/encoding.js';
export {
  ArticleRecordSchema,
  articleRecordJsonSchema,
  SCHEMA_VERSION,
  type ArticleRecord,
  type Classification,
  type DedupeResult,
} from './domain/record.js';
export { loadConfig } from './config/load.js';
