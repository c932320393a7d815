// Boilerplate removal before scoring: tags that never hold article text, and blocks named or marked as page chrome.
import type { Element, ParentNode } from 'domhandler';
import { ElementType } from 'htmlparser2';
import { classAndId, isElement, removeNode, textOf } from './dom.js';
import { isNegativeName } from './hints.js';

const DROP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'canvas', 'iframe', 'object', 'embed', 'button', 'input',
  'select', 'textarea', 'option', 'nav', 'dialog', 'link', 'meta', 'head', 'map', 'audio', 'video', 'aside', 'footer',
  'menu', 'title',
]);
/** Kept in "tags only" mode: inside a body a site rule names, only tags that never hold text go. */
const DROP_TAGS_LIGHT = new Set(['script', 'style', 'noscript', 'template', 'link', 'meta', 'button', 'input', 'select', 'textarea']);
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'menu', 'menubar', 'search', 'dialog', 'alertdialog', 'toolbar']);
const PROTECTED = new Set(['html', 'body', 'main', 'article']);

/** Whether an element is hidden on purpose; inline `visibility:hidden` is not (WeChat ships its body that way). */
function isHidden(el: Element): boolean {
  if (el.attribs['hidden'] !== undefined) return true;
  const style = el.attribs['style'];
  return !!style && /display\s*:\s*none/i.test(style);
}

export interface PruneOptions {
  /** Only drop tags that never hold text; keep class-named blocks (the body came from a site rule). */
  light?: boolean;
}

/**
 * Removes non-content subtrees in place. A named-chrome block is kept when it holds most of the page's text, since
 * sites put "sidebar" or "comments" in the class of wrappers around everything.
 */
export function prune(root: ParentNode, options: PruneOptions = {}): void {
  const total = Math.max(1, textOf(root as Element).length);
  const visit = (node: ParentNode): void => {
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (child.type === ElementType.Comment || child.type === ElementType.Directive || child.type === ElementType.CDATA) {
        removeNode(child);
        continue;
      }
      if (!isElement(child)) continue;
      if (shouldDrop(child, options, total)) {
        removeNode(child);
        continue;
      }
      visit(child);
    }
  };
  visit(root);
}

function shouldDrop(el: Element, options: PruneOptions, total: number): boolean {
  const tag = el.name;
  if (options.light) return DROP_TAGS_LIGHT.has(tag) || el.attribs['hidden'] !== undefined;
  if (DROP_TAGS.has(tag)) return !(tag === 'aside' || tag === 'footer') || textOf(el).length < total * 0.5;
  if (PROTECTED.has(tag)) return false;
  const role = el.attribs['role'];
  const chrome = (role !== undefined && CHROME_ROLES.has(role)) || isHidden(el) || isNegativeName(classAndId(el));
  if (!chrome) return false;
  // Wrappers named after chrome that hold most of the page are layout, not chrome.
  return textOf(el).length < total * 0.5;
}
