// The clean stage's public surface.
export { extract, type ExtractOptions } from './extract.js';
export { parseMarkdownDump, type ParsedDump, type DumpOptions } from './markdown-dump.js';
export { readFrontMatter, type DumpMeta } from './front-matter.js';
export { cleanArticle, type CleanDeps } from './clean-article.js';
export { CleanConfigSchema, SiteRuleSchema, type CleanConfig, type SiteRule } from './config.js';
export { BUILTIN_SITE_RULES } from './site-rules.js';
export type { Extracted } from './types.js';
