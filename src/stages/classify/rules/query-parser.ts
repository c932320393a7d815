// The watch-rule query language, as analysts know it from media-monitoring tools:
//   AND, OR, NOT, ( ), "exact phrase", prefix* (and "phrase prefix*"), a NEAR/n b, a ONEAR/n b (b follows a), field:term with fields
//   title: text: (the article) and source: lang: site: (its metadata). Adjacent terms are ANDed. Operators are
//   upper case; "and" in lower case is a word. Chinese quotes “ ” and brackets （ ） work like " and ( ).
import { foldTerm } from '../text/fold.js';

export type TextField = 'title' | 'text';
export type MetaField = 'lang' | 'source' | 'site';
const TEXT_FIELDS = new Set<string>(['title', 'text']);
const META_FIELDS = new Set<string>(['lang', 'source', 'site']);

export type QueryNode =
  | { type: 'term'; text: string; prefix: boolean; phrase: boolean; fields: TextField[] | null; pos: number }
  | { type: 'meta'; field: MetaField; value: string; prefix: boolean; pos: number }
  | { type: 'and' | 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode }
  | { type: 'near'; left: QueryNode; right: QueryNode; distance: number; ordered: boolean; pos: number };

export class QuerySyntaxError extends Error {
  override name = 'QuerySyntaxError';
  /** Offset into the query string (UTF-16 units). */
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Token =
  | { kind: '(' | ')' | 'AND' | 'OR' | 'NOT' | 'end'; pos: number }
  | { kind: 'near'; pos: number; distance: number; ordered: boolean }
  | { kind: 'field'; pos: number; field: string }
  | { kind: 'word'; pos: number; text: string }
  | { kind: 'phrase'; pos: number; text: string };

const OPEN = new Set(['(', '（']);
const CLOSE = new Set([')', '）']);
const QUOTE_CLOSE: Record<string, string> = { '"': '"', '“': '”', '「': '」' };
const isBreak = (ch: string) => /\s/u.test(ch) || OPEN.has(ch) || CLOSE.has(ch) || ch in QUOTE_CLOSE;

function lex(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i]!;
    if (/\s/u.test(ch)) {
      i++;
    } else if (OPEN.has(ch)) {
      out.push({ kind: '(', pos: i++ });
    } else if (CLOSE.has(ch)) {
      out.push({ kind: ')', pos: i++ });
    } else if (ch in QUOTE_CLOSE) {
      const close = q.indexOf(QUOTE_CLOSE[ch]!, i + 1);
      if (close < 0) throw new QuerySyntaxError('unterminated phrase: missing closing quote', i);
      const text = q.slice(i + 1, close);
      if (!text.trim()) throw new QuerySyntaxError('empty phrase', i);
      out.push({ kind: 'phrase', pos: i, text });
      i = close + 1;
    } else {
      let j = i;
      while (j < q.length && !isBreak(q[j]!)) j++;
      let word = q.slice(i, j);
      const field = /^([A-Za-z]+):/.exec(word);
      if (field) {
        const name = field[1]!.toLowerCase();
        if (!TEXT_FIELDS.has(name) && !META_FIELDS.has(name))
          throw new QuerySyntaxError(`unknown field "${field[1]}:" (known: title, text, source, lang, site)`, i);
        out.push({ kind: 'field', pos: i, field: name });
        i += field[0].length;
        word = q.slice(i, j);
        if (!word) continue;
      }
      const near = /^(O?NEAR)\/(\d+)$/.exec(word);
      if (word === 'AND' || word === 'OR' || word === 'NOT') out.push({ kind: word, pos: i });
      else if (near) out.push({ kind: 'near', pos: i, distance: Number(near[2]), ordered: near[1] === 'ONEAR' });
      else if (/^O?NEAR\b/.test(word)) throw new QuerySyntaxError(`"${word}": write NEAR/n or ONEAR/n with a number of words`, i);
      else out.push({ kind: 'word', pos: i, text: word });
      i = j;
    }
  }
  out.push({ kind: 'end', pos: q.length });
  return out;
}

interface Scope {
  text: TextField[] | null;
  meta: MetaField | null;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  parse(): QueryNode {
    if (this.peek().kind === 'end') throw new QuerySyntaxError('empty query', 0);
    const node = this.or({ text: null, meta: null });
    const t = this.peek();
    if (t.kind === ')') throw new QuerySyntaxError('unbalanced ")"', t.pos);
    if (t.kind !== 'end') throw new QuerySyntaxError(`unexpected ${describe(t)}`, t.pos);
    return node;
  }

  private or(scope: Scope): QueryNode {
    const children = [this.and(scope)];
    while (this.peek().kind === 'OR') {
      this.i++;
      children.push(this.and(scope));
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  private and(scope: Scope): QueryNode {
    const children = [this.unary(scope)];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'AND') {
        this.i++;
        children.push(this.unary(scope));
      } else if (t.kind === 'word' || t.kind === 'phrase' || t.kind === '(' || t.kind === 'NOT' || t.kind === 'field') {
        children.push(this.unary(scope)); // adjacent terms: implicit AND
      } else break;
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private unary(scope: Scope): QueryNode {
    if (this.peek().kind === 'NOT') {
      this.i++;
      // Two in a row cancel out, which is almost always a slip; `NOT (NOT a)` says it on purpose.
      const next = this.peek();
      if (next.kind === 'NOT') throw new QuerySyntaxError('"NOT NOT" cancels out: remove both, or write NOT (NOT …)', next.pos);
      return { type: 'not', child: this.unary(scope) };
    }
    return this.near(scope);
  }

  private near(scope: Scope): QueryNode {
    let left = this.primary(scope);
    for (let t = this.peek(); t.kind === 'near'; t = this.peek()) {
      if (scope.meta) throw new QuerySyntaxError(`NEAR cannot be used inside ${scope.meta}:`, t.pos);
      this.i++;
      const right = this.primary(scope);
      checkNearSides(left, right, t);
      left = { type: 'near', left, right, distance: t.distance, ordered: t.ordered, pos: t.pos };
    }
    return left;
  }

  private primary(scope: Scope): QueryNode {
    const t = this.peek();
    switch (t.kind) {
      case '(': {
        this.i++;
        const inner = this.or(scope);
        const close = this.peek();
        if (close.kind !== ')') throw new QuerySyntaxError('missing ")" to close "("', close.kind === 'end' ? t.pos : close.pos);
        this.i++;
        return inner;
      }
      case 'field': {
        this.i++;
        if (scope.meta || (scope.text && !TEXT_FIELDS.has(t.field)))
          throw new QuerySyntaxError(`field "${t.field}:" inside another field scope`, t.pos);
        const next = this.peek();
        if (next.kind !== 'word' && next.kind !== 'phrase' && next.kind !== '(')
          throw new QuerySyntaxError(`"${t.field}:" must be followed by a term, a phrase or "("`, next.pos);
        const inner: Scope = META_FIELDS.has(t.field)
          ? { text: null, meta: t.field as MetaField }
          : { text: [t.field as TextField], meta: null };
        return this.primary(inner);
      }
      case 'word':
      case 'phrase': {
        this.i++;
        return this.term(t, scope);
      }
      case 'end':
        throw new QuerySyntaxError('query ends where a term was expected', t.pos);
      default:
        throw new QuerySyntaxError(`unexpected ${describe(t)} where a term was expected`, t.pos);
    }
  }

  private term(t: Extract<Token, { kind: 'word' | 'phrase' }>, scope: Scope): QueryNode {
    let text = t.text;
    let prefix = false;
    if (t.kind === 'phrase' && text.endsWith('*')) {
      // "export control*": the phrase's last word is a prefix, as in common monitoring tools.
      prefix = true;
      text = text.slice(0, -1);
    } else if (t.kind === 'word') {
      const star = text.indexOf('*');
      if (star >= 0 && star !== text.length - 1) throw new QuerySyntaxError('"*" is allowed only at the end of a term', t.pos + star);
      if (star === text.length - 1) {
        prefix = true;
        text = text.slice(0, -1);
        if (!text) throw new QuerySyntaxError('"*" needs at least one character before it', t.pos);
      }
    }
    if (!foldTerm(text)) {
      // "*" alone, or only invisible characters (U+200B): nothing to look for.
      throw new QuerySyntaxError(prefix && !text.trim() ? '"*" needs at least one character before it' : `"${t.text}" has no character to match`, t.pos);
    }
    if (scope.meta) return { type: 'meta', field: scope.meta, value: text.trim(), prefix, pos: t.pos };
    return { type: 'term', text, prefix, phrase: t.kind === 'phrase', fields: scope.text, pos: t.pos };
  }
}

function describe(t: Token): string {
  if (t.kind === 'word' || t.kind === 'phrase') return `"${t.text}"`;
  if (t.kind === 'near') return t.ordered ? 'ONEAR' : 'NEAR';
  if (t.kind === 'field') return `"${t.field}:"`;
  return t.kind === 'end' ? 'end of query' : `"${t.kind}"`;
}

/**
 * Rejects NEAR sides that can never be near: a side that can match without a word in the text (NOT alone, or
 * source:/lang:/site:, which have no position), and sides scoped to different fields (distances are counted within
 * one field).
 */
function checkNearSides(left: QueryNode, right: QueryNode, op: Extract<Token, { kind: 'near' }>): void {
  const name = op.ordered ? 'ONEAR' : 'NEAR';
  for (const side of [left, right]) {
    if (!hasPosition(side)) throw new QuerySyntaxError(`each side of ${name} needs a word of the text (not only NOT, source:, lang: or site:)`, op.pos);
  }
  const [a, b] = [fieldsOf(left), fieldsOf(right)];
  if (a && b && !a.some((f) => b.includes(f))) throw new QuerySyntaxError(`${name} counts words within one field: ${a.join('/')}: and ${b.join('/')}: never meet`, op.pos);
}

/**
 * Whether the node can only match with a hit: a word of the text (which has a position) or, with `meta`, also a
 * metadata value. A query of only NOTs would match every article.
 */
function needsHit(node: QueryNode, meta: boolean): boolean {
  switch (node.type) {
    case 'term':
    case 'near':
      return true;
    case 'meta':
      return meta;
    case 'and':
      return node.children.some((c) => needsHit(c, meta));
    case 'or':
      return node.children.every((c) => needsHit(c, meta));
    case 'not':
      return false;
  }
}

const hasPosition = (node: QueryNode) => needsHit(node, false);

/** The text fields the node's hits can be in, or null for any. */
function fieldsOf(node: QueryNode): TextField[] | null {
  switch (node.type) {
    case 'term':
      return node.fields;
    case 'near':
    case 'and':
    case 'or': {
      const all = new Set<TextField>();
      // Parts without a position (NOT, metadata) bring no hits.
      for (const c of node.type === 'near' ? [node.left, node.right] : node.children) {
        if (!hasPosition(c)) continue;
        const f = fieldsOf(c);
        if (!f) return null;
        for (const x of f) all.add(x);
      }
      return [...all];
    }
    case 'meta':
    case 'not':
      return [];
  }
}

export function parseQuery(query: string): QueryNode {
  const node = new Parser(lex(query)).parse();
  if (!needsHit(node, true)) throw new QuerySyntaxError('the query matches without any term: add a term outside NOT', 0);
  return node;
}
