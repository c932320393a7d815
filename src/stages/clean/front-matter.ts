// The YAML front matter of a Markdown dump (title, url, source, date, fetch_date), read as archivers write it.
import { parse as parseYaml } from 'yaml';

export interface DumpMeta {
  title: string | null;
  url: string | null;
  source: string | null;
  date: string | null;
  fetchDate: string | null;
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The fields a dump's front matter may name, each under the keys archivers use for it. */
const META_KEYS: Record<keyof DumpMeta, readonly string[]> = {
  title: ['title'],
  url: ['url', 'link'],
  source: ['source', 'site', 'account'],
  date: ['date', 'published', 'publishedAt'],
  fetchDate: ['fetch_date', 'fetchDate', 'fetched'],
};
/** A top-level `key: value` line; indented lines continue the key above them. */
const META_LINE = /^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t](.*))?$/;
/** A value only YAML reads right: quoted, or a block scalar's indicator (`|`, `>-`). */
const YAML_VALUE = /^(?:["']|[|>][+-]?\d?[+-]?(?:[ \t]+#.*)?$)/;

function asString(v: unknown): string | null {
  if (v === null || v === undefined || typeof v === 'object') return v instanceof Date ? v.toISOString() : null;
  const s = String(v).trim();
  return s || null;
}

/** An unquoted value as written; a value quoted whole on its line without its quotes. */
function plainValue(v: string): string | null {
  if (/^(?:~|null|Null|NULL)?$/.test(v)) return null;
  if (/^'[^']*(?:''[^']*)*'$/.test(v)) return asString(v.slice(1, -1).replace(/''/g, "'"));
  if (/^"(?:[^"\\]|\\.)*"$/.test(v)) {
    try {
      return asString(JSON.parse(v));
    } catch {
      return asString(v.slice(1, -1));
    }
  }
  return v;
}

/**
 * The front matter of a dump: its fields and the body after it, or null when the text has none. Archivers write
 * titles unquoted, as the page had them ("OpenAI: 发布新模型", "[转载] …", "*重磅* …", "第12期 #AI周报"), which YAML
 * rejects (losing every field) or reads as something else (a comment, an alias, a tag). So a one-line unquoted value
 * is taken as written; YAML reads quoted, multi-line and block values, and when it fails those fall back to the line.
 */
export function readFrontMatter(text: string): { meta: DumpMeta; body: string } | null {
  const m = text.match(FRONT_MATTER);
  if (!m) return null;
  let yaml: Record<string, unknown> | null = null;
  try {
    // Warnings (an unknown tag such as "!important") are no concern here: such a value is read from its line.
    const parsed: unknown = parseYaml(m[1]!, { logLevel: 'error' });
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) yaml = parsed as Record<string, unknown>;
  } catch {
    // Broken YAML: every field is read from its line.
  }
  const lines = new Map<string, { value: string; more: string[] }>();
  let last: { value: string; more: string[] } | undefined;
  for (const line of m[1]!.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (line.trim()) last?.more.push(line.trim());
      continue;
    }
    const kv = line.match(META_LINE);
    last = kv && !lines.has(kv[1]!) ? { value: (kv[2] ?? '').trim(), more: [] } : undefined;
    if (last) lines.set(kv![1]!, last);
  }
  const fromLine = (key: string): string | null | undefined => {
    const line = lines.get(key);
    if (!line) return undefined;
    if (!line.value || line.more.length || YAML_VALUE.test(line.value)) {
      if (yaml) return undefined;
      // YAML failed: a block scalar's lines, or a plain value's lines, joined.
      const block = /^[|>]/.test(line.value);
      return plainValue([...(block ? [] : [line.value]), ...line.more].join(' ').trim());
    }
    return plainValue(line.value);
  };
  const field = (keys: readonly string[]): string | null => {
    for (const key of keys) {
      const fromText = fromLine(key);
      const value = fromText !== undefined ? fromText : yaml && key in yaml ? asString(yaml[key]) : null;
      if (value !== null) return value;
    }
    return null;
  };
  const meta = Object.fromEntries(Object.entries(META_KEYS).map(([name, keys]) => [name, field(keys)])) as unknown as DumpMeta;
  return { meta, body: text.slice(m[0].length) };
}
