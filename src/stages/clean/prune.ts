// Boilerplate removal before scoring: tags that never hold article text, and blocks named or marked as page chrome.
// Removal by name is cautious: a block named like a widget or sidebar that holds real prose is left to scoring.
import type { Element } from 'domhandler';
import { ElementType } from 'htmlparser2';
import { classAndId, isElement, removeNode } from './dom.js';
import { classify } from './hints.js';
import { hasProse, type NodeStats } from './score.js';

const DROP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'canvas', 'iframe', 'object', 'embed', 'button', 'input',
  'select', 'textarea', 'option', 'dialog', 'link', 'meta', 'map', 'audio', 'video', 'title', 'rt', 'rp',
]);
/** Chrome by tag, unless it wraps most of the page (some sites put everything in a <nav> or <aside>). */
const CHROME_TAGS = new Set(['nav', 'aside', 'footer', 'menu']);
/** Inside a body named by a site rule, only tags that never hold text go. */
const DROP_TAGS_LIGHT = new Set(['script', 'style', 'noscript', 'template', 'link', 'meta', 'button', 'input', 'select', 'textarea']);
const NAV_ROLES = new Set(['navigation', 'menu', 'menubar', 'search', 'dialog', 'alertdialog', 'toolbar']);
const WEAK_ROLES = new Set(['banner', 'contentinfo', 'complementary']);
const PROTECTED = new Set(['html', 'body', 'main', 'article']);

export interface PruneOptions {
  /** Only drop tags that never hold text; keep class-named blocks (the body came from a site rule). */
  light?: boolean;
}

/**
 * Removes non-content subtrees in place. `stats` are the counts before pruning; a chrome block is kept when it holds
 * most of the page's text, since sites put "sidebar" or "comments" in the class of wrappers around everything.
 */
export function prune(root: Element, stats: Map<Element, NodeStats>, options: PruneOptions = {}): void {
  const total = Math.max(1, stats.get(root)?.chars ?? 1);
  const major = (el: Element) => (stats.get(el)?.chars ?? 0) >= total * 0.5;
  const shouldDrop = (el: Element): boolean => {
    const tag = el.name;
    if (options.light) return DROP_TAGS_LIGHT.has(tag) || el.attribs['hidden'] !== undefined;
    // Pages that render their body with scripts often ship the same text in <noscript> for crawlers.
    if (tag === 'noscript') return !hasProse(stats.get(el));
    // htmlparser2 builds no implied <body>: a page without <body> and </head> has its article inside <head>.
    if (tag === 'head') return !hasProse(stats.get(el));
    if (DROP_TAGS.has(tag)) return true;
    if (CHROME_TAGS.has(tag)) return !(major(el) && hasProse(stats.get(el)));
    if (PROTECTED.has(tag)) return false;
    const role = el.attribs['role'];
    if (role === 'main' || role === 'article') return false;
    if (role && NAV_ROLES.has(role)) return !(major(el) && hasProse(stats.get(el)));
    const verdict = classify(classAndId(el));
    if (verdict === 'comments') return !major(el);
    // Broken markup can leave an article inside a cookie or share wrapper; no such widget has this much prose.
    if (verdict === 'strong-negative') return !major(el) && !hasProse(stats.get(el), 1500);
    const hidden = el.attribs['hidden'] !== undefined || /display\s*:\s*none/i.test(el.attribs['style'] ?? '');
    if (verdict === 'negative' || hidden || (role && WEAK_ROLES.has(role))) return !major(el) && !hasProse(stats.get(el));
    return false;
  };
  const visit = (node: Element): void => {
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (child.type === ElementType.Comment || child.type === ElementType.Directive || child.type === ElementType.CDATA) {
        removeNode(child);
        continue;
      }
      if (!isElement(child)) continue;
      if (shouldDrop(child)) removeNode(child);
      else visit(child);
    }
  };
  visit(root);
}
