// `newsflow ingest <paths…>`: local HTML files and Markdown dumps with YAML front matter, through the same stages.
import { readdir, stat } from 'node:fs/promises';
import { readInput } from './read-input.js';
import path from 'node:path';
import { canonicalizeUrl } from '../domain/canonical-url.js';
import { jobId, sha256Hex, shortId } from '../domain/ids.js';
import type { CleanPayload } from '../jobs/payloads.js';
import { HTML_EXTENSIONS as HTML, localDocument, MARKDOWN_EXTENSIONS as MARKDOWN } from './local-files.js';
import type { Emit } from '../stages/types.js';
import { newRunId, runBatch } from '../workers/pipeline.js';
import type { Runtime } from '../workers/runtime.js';
import type { RunSummary } from './summary.js';
import { InputError } from '../domain/errors.js';

/** An ISO 8601 instant with offset; a date-time without a zone is taken as UTC. */
export function isoOrNull(value: string | null): string | null {
  if (!value) return null;
  // "2025-10-06 20:37:19" as written by archivers: the space is read as a T (else it would be local time).
  const text = value.trim().replace(/^(\d{4}-\d{2}-\d{2})[ T](\d)/, '$1T$2');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Expands folders into the files below them that ingest understands. */
export async function listInputs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    const s = await stat(abs).catch(() => null);
    if (!s) throw new InputError(`${p}: no such file or folder`);
    if (s.isDirectory()) {
      const entries = await readdir(abs, { recursive: true });
      for (const e of entries.sort()) {
        const ext = path.extname(e).toLowerCase();
        if (HTML.has(ext) || MARKDOWN.has(ext)) out.push(path.join(abs, e));
      }
    } else {
      // A file named on purpose is refused when ingest cannot read it, rather than read as a Markdown dump.
      const ext = path.extname(abs).toLowerCase();
      if (!HTML.has(ext) && !MARKDOWN.has(ext)) {
        throw new InputError(`${p}: not an HTML page or Markdown dump (ingest takes ${[...HTML, ...MARKDOWN].join(', ')} files)`);
      }
      out.push(abs);
    }
  }
  return out;
}

export async function fileJob(rt: Runtime, file: string, runId: string, fetchedAt: string): Promise<Emit> {
  const bytes = await readInput(file);
  // The clean stage reads the dump with the same reader, so the record's id and url are those of the article.
  const { format, dump } = localDocument(file, bytes);
  const front = dump?.meta;
  const url = front?.url ?? `file://${file}`;
  // The article at its URL as saved: the same dump saved twice (under URL variants, fetched on other days) is one
  // article, and an edited one is another, which dedupe then reports as an update of the first (updateOf). The front
  // matter is left out: archivers write their own fetch dates and URL variants there.
  const articleId = shortId('url', canonicalizeUrl(url), sha256Hex(dump ? dump.body : bytes));
  const rawRef = await rt.raw.put(bytes, { url, finalUrl: url, status: 200, headers: {}, fetchedAt, feedId: null, kind: 'file' });
  const payload: CleanPayload = {
    runId,
    articleId,
    url,
    source: { id: 'ingest', title: front?.source ?? null, url: null },
    hints: {
      feedItemId: null,
      title: front?.title ?? null,
      author: null,
      publishedAt: front?.date ?? null,
      summary: null,
      images: [],
    },
    rawRef,
    format,
    fetchedAt: isoOrNull(front?.fetchDate ?? null) ?? fetchedAt,
  };
  return { queue: 'clean', id: jobId('clean', articleId, runId), payload };
}

export async function ingestFiles(rt: Runtime, paths: string[], options: { signal?: AbortSignal } = {}): Promise<RunSummary> {
  const files = await listInputs(paths);
  if (files.length === 0) throw new InputError('no HTML or Markdown files to ingest');
  const runId = newRunId('ingest');
  const now = new Date().toISOString();
  const emits = await Promise.all(files.map((f) => fileJob(rt, f, runId, now)));
  return runBatch(rt, runId, emits, { stages: ['clean', 'classify', 'dedupe', 'sink'], signal: options.signal });
}
