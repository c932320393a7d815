import type { ChildNode } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { extract, parseHtml } from '../../../src/stages/clean/extract.js';
import { MAX_NESTING, limitNesting } from '../../../src/domain/html.js';

/** Deepest element nesting of a parsed tree, walked without recursion. */
function treeDepth(nodes: ChildNode[]): number {
  let max = 0;
  const stack = nodes.map((node) => ({ node, depth: 1 }));
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (!('children' in node)) continue;
    max = Math.max(max, depth);
    for (const child of node.children) stack.push({ node: child, depth: depth + 1 });
  }
  return max;
}

const nested = (levels: number, tag: string, inner: string) => `${`<${tag}>`.repeat(levels)}${inner}${`</${tag}>`.repeat(levels)}`;

describe('limitNesting', () => {
  it('returns an ordinary page as it is, however many void, unclosed or script-quoted tags it has', () => {
    const page =
      `<html><head><title>t</title><script>var s = "${'<div>'.repeat(5_000)}";</script></head><body>` +
      `${'<p>para<br><img src=a.png><li>item'.repeat(3_000)}${nested(50, 'div', 'deep text')}</body></html>`;
    expect(limitNesting(page)).toBe(page);
  });

  it('cuts markup nested 100,000 deep to the cap, keeping all its text in order', () => {
    const words = Array.from({ length: 100_000 }, (_, i) => `w${i}`);
    const html = `<html><body>${words.map((w) => `<div>${w} `).join('')}${'</div>'.repeat(words.length)}</body></html>`;
    const doc = parseHtml(html);
    expect(treeDepth(doc.children)).toBeLessThanOrEqual(MAX_NESTING + 1);
    const text: string[] = [];
    const stack: ChildNode[] = [...doc.children].reverse();
    while (stack.length) {
      const node = stack.pop()!;
      if (node.type === 'text') text.push(node.data);
      else if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    expect(text.join('').trim().split(/\s+/)).toEqual(words);
  });

  it('turns a block element left out into a line break and an inline one into nothing', () => {
    const html = nested(3, 'div', '<div>one</div><div>two <b>bold</b> three</div>');
    expect(limitNesting(html, 3)).toBe(`${'<div>'.repeat(3)}<br>one<br><br>two bold three<br>${'</div>'.repeat(3)}`);
  });

  it('extracts the article of a page whose markup nests 200,000 deep', () => {
    const story = 'The committee published its findings on Tuesday after a year of hearings.';
    const html = `<html><head><title>Findings</title></head><body>${nested(200_000, 'div', `<p>${story}</p><p>${story}</p>`)}</body></html>`;
    expect(extract(html).text).toContain(story);
  });
});
