// Small helpers over the domhandler tree that cheerio and htmlparser2 share; extraction walks it directly for speed.
import type { AnyNode, ChildNode, Element, ParentNode } from 'domhandler';
import { ElementType } from 'htmlparser2';
import { BLOCK_TAGS } from '../../domain/html.js';

export type { AnyNode, ChildNode, Element, ParentNode };

export function isElement(node: AnyNode): node is Element {
  return node.type === ElementType.Tag || node.type === ElementType.Script || node.type === ElementType.Style;
}

export function isText(node: AnyNode): node is import('domhandler').Text {
  return node.type === ElementType.Text;
}

export function isBlock(el: Element): boolean {
  return BLOCK_TAGS.has(el.name);
}

/** Raw text of a subtree, without scripts and styles. */
export function textOf(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (!isElement(node) || node.name === 'script' || node.name === 'style') return '';
  let out = '';
  for (const child of node.children) out += textOf(child);
  return out;
}


/** Class and id joined, lower-cased: what site authors name their blocks. */
export function classAndId(el: Element): string {
  const c = el.attribs['class'];
  const i = el.attribs['id'];
  if (!c && !i) return '';
  return `${c ?? ''} ${i ?? ''}`.toLowerCase();
}

export function removeNode(node: ChildNode): void {
  const parent = node.parent;
  if (!parent) return;
  const idx = parent.children.indexOf(node);
  if (idx >= 0) parent.children.splice(idx, 1);
  if (node.prev) node.prev.next = node.next;
  if (node.next) node.next.prev = node.prev;
  node.parent = null;
  node.prev = null;
  node.next = null;
}

export function* descendants(root: ParentNode): Generator<Element> {
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    yield node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}



/**
 * Flattens subtrees nested deeper than `maxDepth` (broken markup with thousands of unclosed tags) into their text,
 * line breaks and images, so the recursive walks of extraction stay within the call stack. Text order is kept.
 */
export function limitDepth(root: ParentNode, maxDepth: number): void {
  const stack: { node: ParentNode; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    for (const child of node.children) {
      if (!isElement(child)) continue;
      if (depth + 1 >= maxDepth) flatten(child);
      else stack.push({ node: child, depth: depth + 1 });
    }
  }
}

function flatten(el: Element): void {
  const flat: ChildNode[] = [];
  const stack: ChildNode[] = [...el.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isText(node)) flat.push(node);
    else if (isElement(node)) {
      if (node.name === 'script' || node.name === 'style') continue;
      if (node.name === 'img' || node.name === 'br' || BLOCK_TAGS.has(node.name)) {
        const leaf = node.cloneNode(false) as Element;
        leaf.name = node.name === 'img' ? 'img' : 'br';
        flat.push(leaf);
      }
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }
  el.children = flat;
  flat.forEach((n, i) => {
    n.parent = el;
    n.prev = flat[i - 1] ?? null;
    n.next = flat[i + 1] ?? null;
  });
}
