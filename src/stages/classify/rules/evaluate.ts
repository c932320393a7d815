// Compiles a parsed query onto the shared term index and evaluates it against one scan of an article.
import type { QueryNode, MetaField, TextField } from './query-parser.js';
import { siteOf } from '../../../domain/canonical-url.js';
import type { HitTable, TermHit, TermIndex } from '../match/term-index.js';

export type CompiledNode =
  | { type: 'term'; term: number; fields: TextField[] | null }
  | { type: 'meta'; field: MetaField; value: string; prefix: boolean }
  | { type: 'and' | 'or'; children: CompiledNode[] }
  | { type: 'not'; child: CompiledNode }
  | { type: 'near'; left: CompiledNode; right: CompiledNode; distance: number; ordered: boolean };

export function compileQuery(node: QueryNode, index: TermIndex): CompiledNode {
  switch (node.type) {
    case 'term':
      return { type: 'term', term: index.add({ text: node.text, prefix: node.prefix }), fields: node.fields };
    case 'meta': {
      const value = node.value.toLowerCase();
      // Articles' sites are compared without "www." (classifier.ts), so site:www.example.com means example.com.
      return { type: 'meta', field: node.field, value: node.field === 'site' ? siteOf(value) : value, prefix: node.prefix };
    }
    case 'and':
    case 'or':
      return { type: node.type, children: node.children.map((c) => compileQuery(c, index)) };
    case 'not':
      return { type: 'not', child: compileQuery(node.child, index) };
    case 'near':
      return {
        type: 'near',
        left: compileQuery(node.left, index),
        right: compileQuery(node.right, index),
        distance: node.distance,
        ordered: node.ordered,
      };
  }
}

/** A piece of evidence: a term hit in a text field, or a metadata value that matched. */
export type Evidence = TermHit | { meta: MetaField; value: string; term: string };

export interface EvalContext {
  hits: HitTable;
  meta: Record<MetaField, string | null>;
  /** Token indexes of the first and last word of a folded [start, end) range in a field (for NEAR distances). */
  tokenRange: (field: string, start: number, end: number) => { first: number; last: number };
}

/**
 * Whether the node matches, without collecting evidence: most rules do not match most articles, and
 * deciding that needs no allocation. NEAR needs positions, so it falls back to the full evaluation.
 */
export function matches(node: CompiledNode, ctx: EvalContext): boolean {
  switch (node.type) {
    case 'term': {
      const hits = ctx.hits.get(node.term);
      if (!node.fields) return hits.length > 0;
      for (const h of hits) if ((node.fields as string[]).includes(h.field)) return true;
      return false;
    }
    case 'meta': {
      const actual = ctx.meta[node.field];
      return actual ? metaMatches(node, actual) : false;
    }
    case 'and':
      for (const c of node.children) if (!matches(c, ctx)) return false;
      return true;
    case 'or':
      for (const c of node.children) if (matches(c, ctx)) return true;
      return false;
    case 'not':
      return !matches(node.child, ctx);
    case 'near':
      return nearPairs(node, ctx, true) !== null;
  }
}

/**
 * Evidence when the node matches (possibly empty, for a satisfied NOT), or null when it does not. `perTerm` keeps
 * each term's first hits in scan order (fields in the order scanned, then by offset) when only the first few of
 * all evidence in that order are reported: a frequent term then costs no copy of all its hits. NEAR still pairs
 * all hits.
 */
export function evaluate(node: CompiledNode, ctx: EvalContext, perTerm = Infinity): Evidence[] | null {
  switch (node.type) {
    case 'term': {
      const hits = ctx.hits.get(node.term);
      const scoped = node.fields ? hits.filter((h) => (node.fields as string[]).includes(h.field)) : hits;
      if (!scoped.length) return null;
      return scoped.length > perTerm ? scoped.slice(0, perTerm) : [...scoped];
    }
    case 'meta':
      return matchMeta(node, ctx.meta[node.field]);
    case 'and': {
      const out: Evidence[] = [];
      for (const c of node.children) {
        const r = evaluate(c, ctx, perTerm);
        if (!r) return null;
        appendAll(out, r);
      }
      return out;
    }
    case 'or': {
      let matched = false;
      const out: Evidence[] = [];
      for (const c of node.children) {
        const r = evaluate(c, ctx, perTerm);
        if (r) {
          matched = true;
          appendAll(out, r);
        }
      }
      return matched ? out : null;
    }
    case 'not':
      return matches(node.child, ctx) ? null : [];
    case 'near':
      return evaluateNear(node, ctx);
  }
}

function matchMeta(node: Extract<CompiledNode, { type: 'meta' }>, actual: string | null): Evidence[] | null {
  if (!actual || !metaMatches(node, actual)) return null;
  return [{ meta: node.field, value: actual, term: `${node.field}:${node.value}${node.prefix ? '*' : ''}` }];
}

function metaMatches(node: Extract<CompiledNode, { type: 'meta' }>, actual: string): boolean {
  // Compared in place rather than against built strings ("zh-", ".example.com"): most rules ask this of every article.
  const value = actual.toLowerCase();
  const want = node.value;
  if (node.prefix) return value.startsWith(want);
  if (value === want) return true;
  if (value.length <= want.length) return false;
  // lang:zh takes zh-Hant; site:example.com takes news.example.com.
  if (node.field === 'lang') return value.startsWith(want) && value[want.length] === '-';
  if (node.field === 'site') return value.endsWith(want) && value[value.length - want.length - 1] === '.';
  return false;
}

interface Placed {
  hit: TermHit;
  /** Token index of the hit's first and last character. */
  first: number;
  last: number;
}

/**
 * Appends `items` to `out`. Not `out.push(...items)`: a long article can give a term a hundred thousand hits, more
 * arguments than a call can take.
 */
function appendAll<T>(out: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}

/**
 * Hits of both sides within `distance` words: both sides sorted by token position, and for each left hit only
 * the right hits in its window are looked at, so frequent terms do not make it quadratic.
 */
function nearPairs(node: Extract<CompiledNode, { type: 'near' }>, ctx: EvalContext, firstOnly: boolean): TermHit[] | null {
  const left = (evaluate(node.left, ctx) ?? []).filter(isTermHit);
  const right = (evaluate(node.right, ctx) ?? []).filter(isTermHit);
  if (!left.length || !right.length) return null;
  const place = (h: TermHit): Placed => ({ hit: h, ...ctx.tokenRange(h.field, h.start, h.end) });
  const out = new Set<TermHit>();
  for (const field of new Set(left.map((h) => h.field))) {
    const ls = left.filter((h) => h.field === field).map(place);
    const rs = right
      .filter((h) => h.field === field)
      .map(place)
      .sort((a, b) => a.first - b.first);
    if (!rs.length) continue;
    let maxSpan = 0;
    for (const r of rs) maxSpan = Math.max(maxSpan, r.last - r.first);
    for (const a of ls) {
      const from = a.first - node.distance - 1 - maxSpan;
      const to = a.last + node.distance + 1;
      let lo = 0;
      let hi = rs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rs[mid]!.first < from) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < rs.length && rs[i]!.first <= to; i++) {
        const b = rs[i]!;
        if (b.hit === a.hit) continue;
        if (node.ordered && a.hit.start >= b.hit.start) continue;
        const [x, y] = a.hit.start <= b.hit.start ? [a, b] : [b, a];
        const gap = x.hit.end > y.hit.start ? 0 : y.first - x.last - 1;
        if (gap > node.distance) continue;
        out.add(a.hit);
        out.add(b.hit);
        if (firstOnly) return [...out];
      }
    }
  }
  return out.size ? [...out] : null;
}

function evaluateNear(node: Extract<CompiledNode, { type: 'near' }>, ctx: EvalContext): Evidence[] | null {
  return nearPairs(node, ctx, false);
}

export function isTermHit(e: Evidence): e is TermHit {
  return 'start' in e;
}
