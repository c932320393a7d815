// Second pass inside the chosen content: blocks that are mostly links (related lists, tag clouds, pagers) or named as
// chrome go, judged bottom-up with counts kept current as children are removed.
import type { Element } from 'domhandler';
import { classAndId, isElement, removeNode } from './dom.js';
import { classify } from './hints.js';
import { hasProse, type NodeStats } from './score.js';

const CONDITIONAL = new Set(['div', 'section', 'ul', 'ol', 'dl', 'table', 'form', 'fieldset', 'header', 'figure', 'center']);

function subtract(from: Element, removed: NodeStats, stats: Map<Element, NodeStats>, stop: Element): void {
  let p = from.parent;
  while (p && isElement(p)) {
    const s = stats.get(p);
    if (s) {
      s.chars -= removed.chars;
      s.linkChars -= removed.linkChars;
      s.punct -= removed.punct;
      s.cjk -= removed.cjk;
    }
    if (p === stop) break;
    p = p.parent;
  }
}

function shouldRemove(el: Element, s: NodeStats, light: boolean): boolean {
  const ld = s.chars > 0 ? s.linkChars / s.chars : 0;
  const plain = s.chars - s.linkChars;
  if (!light) {
    const verdict = classify(classAndId(el));
    if (verdict === 'comments') return true;
    if (verdict === 'strong-negative' && !hasProse(s, 1500)) return true;
    if (verdict === 'negative' && !hasProse(s)) return true;
  }
  // Forms inside an article are review, comment or sign-up boxes unless they carry real prose (whole-page forms).
  if ((el.name === 'form' || el.name === 'fieldset') && !hasProse(s)) return true;
  if (s.chars === 0) return false;
  if (ld > 0.5 && plain < 200) return true;
  if (el.name === 'header' && s.chars < 300 && !(s.punct >= 2 && s.chars - s.linkChars >= 80)) return true;
  // Lists of short link items: related articles and tag lists carry little prose between their links.
  if ((el.name === 'ul' || el.name === 'ol') && ld > 0.3 && s.punct < 3) return true;
  return false;
}

/** Removes link-heavy and chrome-named blocks below each content root. `light` skips name checks (site-rule bodies). */
export function cleanContent(roots: readonly Element[], stats: Map<Element, NodeStats>, light = false): void {
  const visit = (el: Element, root: Element): void => {
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i]!;
      if (isElement(c)) visit(c, root);
    }
    if (el === root || !CONDITIONAL.has(el.name)) return;
    const s = stats.get(el);
    if (s && shouldRemove(el, s, light)) {
      subtract(el, s, stats, root);
      removeNode(el);
    }
  };
  for (const root of roots) visit(root, root);
}
