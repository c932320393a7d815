// `newsflow ingest <paths…>`: local HTML files and Markdown dumps with YAML front matter, through the same stages.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { canonicalizeUrl } from '../domain/canonical-url.js';
import { jobId, shortId } from '../domain/ids.js';
import type { CleanPayload } from '../jobs/payloads.js';
import type { Emit } from '../stages/types.js';
import { newRunId, runBatch } from '../workers/pipeline.js';
import type { Runtime } from '../workers/runtime.js';
import type { RunSummary } from './summary.js';
import { InputError } from '../domain/errors.js';

const HTML = new Set(['.html', '.htm', '.xhtml']);
const MARKDOWN = new Set(['.md', '.markdown', '.txt']);

export interface FrontMatter {
  title?: unknown;
  url?: unknown;
  source?: unknown;
  date?: unknown;
  fetch_date?: unknown;
}

/** The YAML front matter of a Markdown dump, or null when the text has none. */
export function readFrontMatter(text: string): FrontMatter | null {
  const m = text.replace(/^\uFEFF/, '').match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n/);
  if (!m) return null;
  try {
    const data = YAML.parse(m[1]!, { schema: 'core' }) as unknown;
    return typeof data === 'object' && data !== null ? (data as FrontMatter) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : v instanceof Date ? v.toISOString() : null);

/** An ISO 8601 instant with offset; a date-time without a zone is taken as UTC. */
export function isoOrNull(value: string | null): string | null {
  if (!value) return null;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(value) || !value.includes('T') ? value : `${value}Z`;
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
    } else out.push(abs);
  }
  return out;
}

export async function fileJob(rt: Runtime, file: string, runId: string, fetchedAt: string): Promise<Emit> {
  const bytes = await readFile(file);
  const ext = path.extname(file).toLowerCase();
  const text = HTML.has(ext) ? '' : bytes.toString('utf8');
  const front = HTML.has(ext) ? null : readFrontMatter(text);
  const format: CleanPayload['format'] = HTML.has(ext) || (!front && /^\s*</.test(text)) ? 'html' : 'markdown';
  const url = str(front?.url) ?? `file://${file}`;
  const articleId = shortId('url', canonicalizeUrl(url));
  const rawRef = await rt.raw.put(bytes, { url, finalUrl: url, status: 200, headers: {}, fetchedAt, feedId: null, kind: 'file' });
  const payload: CleanPayload = {
    runId,
    articleId,
    url,
    source: { id: 'ingest', title: str(front?.source), url: null },
    hints: {
      feedItemId: null,
      title: str(front?.title),
      author: null,
      publishedAt: str(front?.date),
      summary: null,
      images: [],
    },
    rawRef,
    format,
    fetchedAt: isoOrNull(str(front?.fetch_date)) ?? fetchedAt,
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
