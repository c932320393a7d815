// `newsflow extract <file|url>`: runs main-content extraction on one page and returns what the CLI prints; also the
// reading of a local document as the clean stage reads it, which `dedupe check` shares.
import { readInput } from './read-input.js';
import { loadConfig, type LoadOptions } from '../config/load.js';
import { createHttpClient } from '../infra/http/client.js';
import { extract } from '../stages/clean/extract.js';
import { localDocument } from './local-files.js';
import { parseMarkdownDump } from '../stages/clean/markdown-dump.js';
import type { Extracted } from '../stages/clean/types.js';
import type { FetchConfig } from '../stages/fetch/config.js';

export interface ExtractCommandOptions {
  /** The page's address, for relative links and site rules, when the input is a file. */
  url?: string;
  format: 'json' | 'text' | 'markdown';
  /** Settings of the HTTP client for a URL (`fetch.*`: guard, allowHosts, caps, user agent); read from the config when not given. */
  fetch?: FetchConfig;
  /** Where the config is read from when `fetch` is not given (the CLI's --config); NEWSFLOW_CONFIG or the defaults otherwise. */
  load?: LoadOptions;
}

/** A local file's article as the pipeline reads it, by the reader `ingest` chooses (local-files.ts). */
export function extractLocal(file: string, body: Buffer, url?: string): Extracted {
  if (localDocument(file, body).format === 'html') return extract(body, url);
  const { extracted } = parseMarkdownDump(body.toString('utf8'));
  return url && !extracted.canonicalUrl ? { ...extracted, canonicalUrl: url } : extracted;
}

function format(result: Extracted, as: ExtractCommandOptions['format']): string {
  if (as === 'text') return result.text;
  if (as === 'markdown') return (result.title ? `# ${result.title}\n\n` : '') + result.markdown;
  return JSON.stringify(result, null, 2);
}

/**
 * Extracts `input` (a file path or an http(s) URL) and returns the output in the requested format. A URL goes through
 * the one HTTP client, as `newsflow fetch` does, so its failures carry the codes of src/infra/http/errors.ts; a file
 * that cannot be read fails with its fs error, which the CLI prints as `<path>: no such file or folder` (exit 2).
 */
export async function runExtract(input: string, opts: ExtractCommandOptions): Promise<string> {
  if (/^https?:\/\//i.test(input)) {
    const client = createHttpClient(opts.fetch ?? loadConfig(opts.load).config.fetch);
    try {
      const page = await client.get(input, { purpose: 'page' });
      return format(extract(page.body, opts.url ?? page.finalUrl, { contentType: page.headers['content-type'] ?? null }), opts.format);
    } finally {
      await client.close();
    }
  }
  return format(extractLocal(input, await readInput(input), opts.url), opts.format);
}
