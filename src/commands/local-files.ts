// Local files as the pipeline reads them (`ingest`, and `extract` / `dedupe check` on a file): which extensions are
// pages and dumps, and which reader a file goes to.
import path from 'node:path';
import type { CleanPayload } from '../jobs/payloads.js';
import { readFrontMatter } from '../stages/clean/front-matter.js';

export const HTML_EXTENSIONS = new Set(['.html', '.htm', '.xhtml']);
export const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.txt']);

/**
 * The reader of a local file: HTML by its extension, or when it has no front matter and starts with markup; a
 * Markdown dump otherwise, with its front matter when it has one.
 */
export function localDocument(file: string, bytes: Buffer): { format: CleanPayload['format']; dump: ReturnType<typeof readFrontMatter> } {
  if (HTML_EXTENSIONS.has(path.extname(file).toLowerCase())) return { format: 'html', dump: null };
  const text = bytes.toString('utf8');
  const dump = readFrontMatter(text);
  return { format: !dump && /^\s*</.test(text) ? 'html' : 'markdown', dump };
}
