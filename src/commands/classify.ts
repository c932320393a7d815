// `newsflow classify <file>`: labels one HTML, Markdown or text file and prints them with their evidence.
import { existsSync } from 'node:fs';
import { readInputText } from './read-input.js';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as cheerio from 'cheerio';
import YAML from 'yaml';
import { ClassifyConfigSchema, type ClassifyConfig } from '../stages/classify/config.js';
import { loadClassifier, type ClassifyDetails } from '../stages/classify/classifier.js';
import { DEFAULT_CLASSIFY_CONFIG_DIR } from '../stages/classify/index.js';
import type { ClassifyInput } from '../stages/classify/types.js';
import { limitNesting } from '../domain/html.js';

export interface RunClassifyOptions {
  /** The classify section of the config (defaults when absent). */
  config?: Partial<ClassifyConfig>;
  /** Folder that relative paths in `config` resolve against (the config file's folder). */
  baseDir?: string;
  /** Print the classification as JSON instead of the readable report. */
  json?: boolean;
  /** URL and source id of the document, for site: and source: rule scopes. */
  url?: string;
  sourceId?: string;
}

export async function runClassify(file: string, opts: RunClassifyOptions = {}): Promise<string> {
  const raw = readInputText(file);
  const doc = await readDocument(file, raw, opts.url);
  const input: ClassifyInput = { ...doc, url: opts.url ?? doc.url ?? null, sourceId: opts.sourceId ?? null };
  const classifier = loadClassifier(ClassifyConfigSchema.parse(opts.config ?? {}), opts.baseDir ?? DEFAULT_CLASSIFY_CONFIG_DIR);
  const details = classifier.classifyWithDetails(input);
  if (opts.json) return JSON.stringify(details.classification, null, 2);
  return formatDetails(file, input, details);
}

interface Document {
  title: string | null;
  text: string;
  langHint: string | null;
  url: string | null;
}

/** The clean stage's result shape, as far as classification reads it. */
interface ExtractedLike {
  title?: unknown;
  text?: unknown;
  langHint?: unknown;
  canonicalUrl?: unknown;
}

/**
 * Loads a module of the clean stage when this build has it. The import path is computed so the classify stage
 * builds and runs without the clean stage (they are developed apart); the clean stage knows page chrome far
 * better than the plain reading below.
 */
async function cleanStage<T>(name: string): Promise<T | null> {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), `../stages/clean/${name}.js`);
  const candidates = [file, file.replace(/\.js$/, '.ts')];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    try {
      return (await import(pathToFileURL(candidate).href)) as T;
    } catch {
      return null;
    }
  }
  return null;
}

function fromExtracted(out: ExtractedLike | undefined): Document | null {
  if (!out || typeof out.text !== 'string') return null;
  return {
    title: typeof out.title === 'string' ? out.title : null,
    text: out.text,
    langHint: typeof out.langHint === 'string' ? out.langHint : null,
    url: typeof out.canonicalUrl === 'string' ? out.canonicalUrl : null,
  };
}

async function readDocument(file: string, raw: string, url: string | undefined): Promise<Document> {
  if (/\.x?html?$/i.test(file) || /^\s*<(!doctype|html|head|body)/i.test(raw)) {
    const mod = await cleanStage<{ extract?: (html: string, url?: string) => ExtractedLike }>('extract');
    try {
      const doc = fromExtracted(mod?.extract?.(raw, url));
      if (doc) return doc;
    } catch {
      // The extractor failed on this page: fall back to the plain reading.
    }
    return readHtml(raw);
  }
  const front = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(raw);
  if (front) {
    const mod = await cleanStage<{ parseMarkdownDump?: (text: string) => { extracted?: ExtractedLike } }>('markdown-dump');
    try {
      const doc = fromExtracted(mod?.parseMarkdownDump?.(raw)?.extracted);
      if (doc) return doc;
    } catch {
      // Fall back to the plain reading below.
    }
    // Markdown with YAML front matter (saved WeChat articles and the like): metadata on top, image lines dropped.
    const meta = (YAML.parse(front[1]!) ?? {}) as Record<string, unknown>;
    const body = raw
      .slice(front[0].length)
      .split('\n')
      .filter((l) => !/^\s*!\[[^\]]*\]\([^)]*\)\s*$/.test(l))
      .map((l) => l.replace(/^#+\s*/, ''))
      .join('\n');
    return { title: typeof meta.title === 'string' ? meta.title : null, text: body, langHint: null, url: typeof meta.url === 'string' ? meta.url : null };
  }
  // Plain text: a short first line followed by more text is the title, as in most saved articles.
  const [first = '', ...rest] = raw.replace(/^\s+/, '').split('\n');
  if (rest.some((l) => l.trim()) && first.trim().length > 0 && first.trim().length <= 120) {
    return { title: first.trim(), text: rest.join('\n'), langHint: null, url: null };
  }
  return { title: null, text: raw, langHint: null, url: null };
}

function readHtml(html: string): Document {
  const $ = cheerio.load(limitNesting(html));
  $('script, style, noscript, nav, header, footer, aside, form').remove();
  const title = $('meta[property="og:title"]').attr('content') ?? ($('h1').first().text().trim() || $('title').text().trim() || null);
  const blocks = $('body')
    .find('p, h1, h2, h3, li, blockquote')
    .map((_, el) => $(el).text().replace(/\s+/g, ' ').trim())
    .get()
    .filter(Boolean);
  const text = blocks.length ? blocks.join('\n\n') : $('body').text().replace(/\s+/g, ' ').trim();
  return { title, text, langHint: $('html').attr('lang') ?? null, url: $('link[rel="canonical"]').attr('href') ?? null };
}

function snippet(source: string, start: number, end: number): string {
  const before = source.slice(Math.max(0, start - 12), start).replace(/\s+/g, ' ');
  const after = source.slice(end, end + 12).replace(/\s+/g, ' ');
  return `…${before}[${source.slice(start, end)}]${after}…`;
}

export function formatDetails(file: string, input: ClassifyInput, d: ClassifyDetails): string {
  const c = d.classification;
  const lines = [`${file}`, `  title: ${input.title ?? '(none)'}`, `  lang: ${c.lang} (script ${d.script}, confidence ${c.langConfidence.toFixed(2)})`];
  lines.push(`  topics:${c.topics.length ? '' : ' none'}`);
  for (const t of c.topics) {
    lines.push(`    ${t.label}${t.code ? ` [${t.code}]` : ''}  score ${t.score.toFixed(2)}  from ${t.source}`);
    const ev = d.topicEvidence.get(t.source);
    if (ev?.length) lines.push(`      keywords: ${ev.slice(0, 12).map((e) => `${e.term} ×${e.count}`).join(', ')}`);
    const model = t.source.startsWith('model:') ? d.modelEvidence.get(t.label) : undefined;
    if (model?.length) lines.push(`      model evidence: ${model.map((e) => `${e.term} +${e.weight.toFixed(2)}`).join(', ')}`);
  }
  lines.push(`  watch rules:${c.rules.length ? '' : ' none fired'}`);
  for (const r of c.rules) {
    const shown = r.hits.slice(0, 8);
    const more = r.hits.length > shown.length ? `, the first ${shown.length} shown` : '';
    lines.push(`    ${r.rule} (version ${r.version}): ${r.hits.length} hit${r.hits.length === 1 ? '' : 's'} in the record${more}`);
    for (const h of shown) {
      const source = h.field === 'title' ? (input.title ?? '') : h.field === 'text' ? input.text : null;
      lines.push(`      ${h.field}[${h.start}-${h.end}] ${source ? snippet(source, h.start, h.end) : h.term}`);
    }
  }
  lines.push(`  entities:${c.entities.length ? '' : ' none'}`);
  for (const e of c.entities) {
    const aliases = [...(d.entityAliases.get(e.id) ?? [])].join(', ');
    lines.push(`    ${e.id.padEnd(6)} ${e.name} (${e.type}) ×${e.mentions}${aliases ? `  as ${aliases}` : ''}`);
  }
  lines.push(`  keywords: ${c.keywords.join(', ') || 'none'}`);
  lines.push(`  needs review: ${c.needsReview ? 'yes (the two best topics score close)' : 'no'}`);
  return lines.join('\n');
}
