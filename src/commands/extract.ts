// `newsflow extract <file|url>`: runs main-content extraction on one page and returns what the CLI prints.
import { readFile } from 'node:fs/promises';
import { permanent, retryable } from '../domain/errors.js';
import { extract } from '../stages/clean/extract.js';
import { parseMarkdownDump } from '../stages/clean/markdown-dump.js';
import type { Extracted } from '../stages/clean/types.js';

export interface ExtractCommandOptions {
  /** The page's address, for relative links and site rules, when the input is a file. */
  url?: string;
  format: 'json' | 'text' | 'markdown';
}

async function fetchPage(url: string): Promise<{ body: Buffer; contentType: string | null; finalUrl: string }> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' } });
  } catch (err) {
    throw retryable('fetch-network', `cannot fetch ${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!res.ok) throw (res.status >= 500 || res.status === 429 ? retryable : permanent)(`http-${res.status}`, `${url} answered HTTP ${res.status}`);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type'), finalUrl: res.url || url };
}

// Markdown dumps start with YAML front matter; anything else is read as HTML.
const looksLikeDump = (head: string) => /^\uFEFF?---[ \t]*\r?\n/.test(head);

function format(result: Extracted, as: ExtractCommandOptions['format']): string {
  if (as === 'text') return result.text;
  if (as === 'markdown') return (result.title ? `# ${result.title}\n\n` : '') + result.markdown;
  return JSON.stringify(result, null, 2);
}

/** Extracts `input` (a file path or an http(s) URL) and returns the output in the requested format. */
export async function runExtract(input: string, opts: ExtractCommandOptions): Promise<string> {
  if (/^https?:\/\//i.test(input)) {
    const page = await fetchPage(input);
    return format(extract(page.body, opts.url ?? page.finalUrl, { contentType: page.contentType }), opts.format);
  }
  let body: Buffer;
  try {
    body = await readFile(input);
  } catch (err) {
    throw permanent('file-unreadable', `cannot read ${input}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (looksLikeDump(body.subarray(0, 16).toString('utf8'))) {
    const { extracted } = parseMarkdownDump(body.toString('utf8'));
    return format(opts.url && !extracted.canonicalUrl ? { ...extracted, canonicalUrl: opts.url } : extracted, opts.format);
  }
  return format(extract(body, opts.url), opts.format);
}
