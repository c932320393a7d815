// Finding the main content: paragraphs score their ancestors by length and punctuation (Latin and CJK alike), scores
// are discounted by link density and adjusted by tag and class/id hints; the best block and its kin are the article.
import type { AnyNode, Element } from 'domhandler';
import { classAndId, isBlock, isElement, isText } from './dom.js';
import { isBodyName, nameWeight } from './hints.js';
import { cjkRatio, countPunctuation } from './text.js';

export interface NodeStats {
  /** Non-space characters of text. */
  chars: number;
  /** Non-space characters inside links. */
  linkChars: number;
  punct: number;
  /** CJK characters among `chars`: each carries about what a short word does in Latin script. */
  cjk: number;
}

/** Text outside links, in Latin-letter terms (a CJK character counts three). */
export function plainWeight(s: NodeStats | undefined): number {
  return s ? s.chars - s.linkChars + 2 * s.cjk : 0;
}

/** Non-space character counts of every element, bottom-up in one pass. */
export function computeStats(roots: readonly Element[]): Map<Element, NodeStats> {
  const map = new Map<Element, NodeStats>();
  const visit = (node: AnyNode, inLink: boolean): NodeStats => {
    if (isText(node)) {
      const chars = countChars(node.data);
      return { chars, linkChars: inLink ? chars : 0, punct: chars ? countPunctuation(node.data) : 0, cjk: chars ? countCjk(node.data) : 0 };
    }
    const s: NodeStats = { chars: 0, linkChars: 0, punct: 0, cjk: 0 };
    if (!isElement(node) || node.name === 'script' || node.name === 'style') return s;
    const link = inLink || node.name === 'a';
    for (const c of node.children) {
      const cs = visit(c, link);
      s.chars += cs.chars;
      s.linkChars += cs.linkChars;
      s.punct += cs.punct;
      s.cjk += cs.cjk;
    }
    map.set(node, s);
    return s;
  };
  for (const r of roots) visit(r, false);
  return map;
}

function countCjk(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af)) n++;
  }
  return n;
}

function countChars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 32 && c !== 160 && c !== 0x3000) n++;
  }
  return n;
}

/** Real prose: enough text outside links, with sentence punctuation. */
export function hasProse(s: NodeStats | undefined, minChars = 400): boolean {
  if (!s) return false;
  return plainWeight(s) >= minChars && s.linkChars < s.chars * 0.3 && s.punct >= minChars / 50;
}

export function linkDensity(stats: NodeStats | undefined): number {
  return stats && stats.chars > 0 ? stats.linkChars / stats.chars : 0;
}

// Elements whose text is one paragraph: their parent is the block that the paragraph scores first.
const PARAGRAPH_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dt', 'dd', 'pre', 'figcaption', 'blockquote', 'caption']);

const TAG_SCORE: Record<string, number> = {
  div: 5, article: 10, main: 5, section: 3, pre: 3, td: 3, blockquote: 3,
  address: -3, ol: -3, ul: -3, dl: -3, dd: -3, dt: -3, li: -3, form: -3,
  h1: -5, h2: -5, h3: -5, h4: -5, h5: -5, h6: -5, th: -5, header: -3,
};

interface Run {
  owner: Element;
  text: string;
  linkChars: number;
}

/** Runs of inline content (a paragraph's worth of text) with the block that holds them. */
function collectRuns(root: Element): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  const flush = () => {
    if (current && current.text.trim()) runs.push(current);
    current = null;
  };
  const walk = (node: Element, owner: Element, inLink: boolean): void => {
    for (const child of node.children) {
      if (isText(child)) {
        current ??= { owner, text: '', linkChars: 0 };
        current.text += child.data;
        if (inLink) current.linkChars += countChars(child.data);
      } else if (isElement(child)) {
        if (isBlock(child)) {
          flush();
          walk(child, child, false);
          flush();
        } else {
          walk(child, owner, inLink || child.name === 'a');
        }
      }
    }
  };
  walk(root, root, false);
  flush();
  return runs;
}

export interface MainContent {
  /** The article's blocks in document order: the best candidate and the siblings that belong with it. */
  elements: Element[];
  top: Element;
  score: number;
}

/** Scores candidate blocks under `root` and returns the main content, or null when no paragraph qualifies. */
export function findMainContent(root: Element, stats: Map<Element, NodeStats>): MainContent | null {
  const scores = new Map<Element, number>();
  const initial = (el: Element): number => {
    let s = scores.get(el);
    if (s === undefined) {
      s = (TAG_SCORE[el.name] ?? 0) + nameWeight(classAndId(el)) + (el.attribs['itemprop'] === 'articleBody' ? 25 : 0);
      scores.set(el, s);
    }
    return s;
  };
  for (const run of collectRuns(root)) {
    const chars = countChars(run.text);
    if (chars < 20) continue;
    const cjk = cjkRatio(run.text) > 0.3;
    const lengthBonus = Math.min(Math.floor(chars / (cjk ? 50 : 100)), 3);
    const ld = run.linkChars / chars;
    const score = (1 + countPunctuation(run.text) + lengthBonus) * (1 - ld);
    if (score <= 0) continue;
    let level0: AnyNode | null = PARAGRAPH_TAGS.has(run.owner.name) ? run.owner.parent : run.owner;
    for (let level = 0; level < 5 && level0 && isElement(level0); level++) {
      const divider = level === 0 ? 1 : level === 1 ? 2 : level * 3;
      scores.set(level0, initial(level0) + score / divider);
      if (level0 === root) break;
      level0 = level0.parent;
    }
  }
  let top: Element | null = null;
  let topScore = -Infinity;
  const finals = new Map<Element, number>();
  for (const [el, s] of scores) {
    const f = s * (1 - linkDensity(stats.get(el)));
    finals.set(el, f);
    if (f > topScore) {
      top = el;
      topScore = f;
    }
  }
  if (!top) return null;
  top = promoteToCommonAncestor(top, topScore, finals, root);
  // A lone child carries no more than its parent: look at the parent's siblings instead.
  while (top !== root && top.parent && isElement(top.parent) && top.parent.children.filter(isElement).length === 1) {
    top = top.parent;
  }
  topScore = Math.max(topScore, finals.get(top) ?? 0);
  const semantic = semanticContainer(root, stats);
  if (semantic && preferSemantic(semantic, top, stats)) return { elements: withLede([semantic], root, stats), top: semantic, score: topScore };
  return { elements: withLede(withSiblings(top, topScore, finals, stats), root, stats), top, score: topScore };
}

const LEDE_NAME = /(?:^|[\s_-])(lead|lede|intro|teaser|standfirst|summary|excerpt|subtitle|dek|deck|abstract|vorspann|chapo)(?:$|[\s_-])/;

/**
 * Publishers often set the lede apart from the body (a "teaser-text" or "article__intro" block in the header): a
 * lede-named block of prose shortly before the content, inside the same article wrapper, belongs to it.
 */
function withLede(elements: Element[], root: Element, stats: Map<Element, NodeStats>): Element[] {
  const first = elements[0];
  if (!first) return elements;
  let scope: Element | null = first;
  for (let i = 0; i < 4 && scope && scope !== root; i++) scope = scope.parent && isElement(scope.parent) ? scope.parent : null;
  if (!scope) return elements;
  for (const el of descendantsOf(scope)) {
    if (el === first) break;
    if (contains(el, first) || elements.some((e) => contains(e, el))) continue;
    const s = stats.get(el);
    // A paragraph in the article's <header> is its standfirst, whatever its name.
    const named = LEDE_NAME.test(classAndId(el)) || (el.name === 'p' && !!el.parent && isElement(el.parent) && el.parent.name === 'header');
    if (!s || !named || linkDensity(s) > 0.2 || s.punct < 1 || plainWeight(s) < 60) continue;
    return [el, ...elements];
  }
  return elements;
}

const plainChars = plainWeight;

/**
 * The block the page itself marks as the article body: a body class name ("entry-content"), itemprop=articleBody,
 * or the page's one <article> or <main>; the one with the most text outside links wins.
 */
function semanticContainer(root: Element, stats: Map<Element, NodeStats>): Element | null {
  let best: Element | null = null;
  let bestChars = 0;
  const articles: Element[] = [];
  const consider = (el: Element) => {
    const s = stats.get(el);
    const plain = plainChars(s);
    if (!s || plain < 200 || linkDensity(s) > 0.5) return;
    if (plain > bestChars) {
      best = el;
      bestChars = plain;
    }
  };
  for (const el of descendantsOf(root)) {
    if (el.name === 'article') articles.push(el);
    else if (el.attribs['itemprop'] === 'articleBody' || isBodyName(classAndId(el))) consider(el);
  }
  // Several <article> elements are a list of teasers, not one article.
  if (articles.length === 1) consider(articles[0]!);
  return best;
}

function* descendantsOf(root: Element): Generator<Element> {
  const stack: Element[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    yield el;
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (isElement(c)) stack.push(c);
    }
  }
}

function contains(outer: Element, inner: Element): boolean {
  let p: AnyNode | null = inner;
  while (p) {
    if (p === outer) return true;
    p = p.parent;
  }
  return false;
}

/** The page's own body marker wins when it holds the scored block, or most of its text. */
function preferSemantic(semantic: Element, top: Element, stats: Map<Element, NodeStats>): boolean {
  const semChars = plainChars(stats.get(semantic));
  const topChars = plainChars(stats.get(top));
  if (contains(semantic, top)) return semChars <= topChars * 3 || linkDensity(stats.get(semantic)) < 0.25;
  if (contains(top, semantic)) return semChars >= topChars * 0.6;
  return semChars >= topChars * 0.8;
}

/** When several near-best candidates share an ancestor, the article spans them (split bodies, ads in between). */
function promoteToCommonAncestor(top: Element, topScore: number, finals: Map<Element, number>, root: Element): Element {
  const close: Element[] = [];
  for (const [el, f] of finals) if (el !== top && f >= topScore * 0.75) close.push(el);
  if (close.length < 2) return top;
  const closeAncestors = close.map((el) => new Set(ancestorsOf(el)));
  let node: Element | null = top.parent && isElement(top.parent) ? top.parent : null;
  while (node && node !== root) {
    const containing = closeAncestors.filter((set) => set.has(node!)).length;
    if (containing >= 2) return node;
    node = node.parent && isElement(node.parent) ? node.parent : null;
  }
  return top;
}

function ancestorsOf(el: Element): Element[] {
  const out: Element[] = [];
  let p = el.parent;
  while (p && isElement(p)) {
    out.push(p);
    p = p.parent;
  }
  return out;
}

/** Siblings of the best block that score well, or read as prose, belong to the article too. */
function withSiblings(top: Element, topScore: number, finals: Map<Element, number>, stats: Map<Element, NodeStats>): Element[] {
  const parent = top.parent;
  if (!parent || !isElement(parent)) return [top];
  const threshold = Math.max(10, topScore * 0.2);
  const topClass = top.attribs['class'];
  const out: Element[] = [];
  for (const sib of parent.children) {
    if (!isElement(sib)) continue;
    if (sib === top) {
      out.push(sib);
      continue;
    }
    const bonus = topClass && sib.attribs['class'] === topClass ? topScore * 0.2 : 0;
    const s = finals.get(sib);
    if (s !== undefined && s + bonus >= threshold) {
      out.push(sib);
      continue;
    }
    const st = stats.get(sib);
    if (!st || st.chars === 0) continue;
    const ld = linkDensity(st);
    if (PARAGRAPH_TAGS.has(sib.name) || sib.name === 'div' || sib.name === 'section') {
      if (st.chars > 80 && ld < 0.25) out.push(sib);
      else if (st.chars <= 80 && ld === 0 && st.punct > 0) out.push(sib);
    }
  }
  return out;
}
