import { parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { render } from '../../../../src/stages/clean/render.js';

const BASE = 'https://example.org/story';

function renderHtml(html: string) {
  const doc = parseDocument(html);
  return render(doc.children.filter((c): c is Element => c.type === 'tag'), BASE);
}

describe('render: inline markup', () => {
  it('puts emphasis, code and link markup inside the white space around their words', () => {
    const r = renderHtml('<p>Read <b> the <i>whole</i> </b>report<a href="/r"> here </a>and<code> x </code>.</p>');
    expect(r.blocks).toEqual([
      { kind: 'p', text: 'Read the whole report here and x .', md: 'Read **the *whole*** report [here](https://example.org/r) and `x` .', linkRatio: 4 / 34 },
    ]);
  });

  it('leaves a wrapper open in Markdown when a line break ends its block inside it, as before', () => {
    const r = renderHtml('<p>Before <b>bold<br>after break</b> tail <i> </i>end</p>');
    expect(r.blocks.map((b) => b.md)).toEqual(['Before bold', 'after break tail end']);
  });

  // The inputs below took minutes when every wrapper re-read the paragraph before it (12.7 s for 100,000 <i>) and
  // every image searched the list of those before it: they must finish well inside the test timeout.
  it('renders a paragraph of 160,000 emphasised words', () => {
    const r = renderHtml(`<p>${'<i>x</i> <b>y</b> '.repeat(80_000)}</p>`);
    expect(r.blocks).toHaveLength(1);
    expect(r.blocks[0]!.md).toBe(`${'*x* **y** '.repeat(80_000)}`.trim());
    expect(r.blocks[0]!.text).toBe(`${'x y '.repeat(80_000)}`.trim());
  });

  it('collects 150,000 distinct images in document order, each once', () => {
    const r = renderHtml(`<p>${Array.from({ length: 150_000 }, (_, i) => `<img src="/i/${i}.jpg"><img src="/i/${i}.jpg">`).join(' ')}</p>`);
    expect(r.images).toHaveLength(150_000);
    expect(r.images[0]).toBe('https://example.org/i/0.jpg');
    expect(r.images[149_999]).toBe('https://example.org/i/149999.jpg');
  });

  it('collects 10,000 distinct links in document order, each once', () => {
    const r = renderHtml(`<p>${Array.from({ length: 10_000 }, (_, i) => `<a href="/p/${i}">x</a> <a href="/p/${i}">again</a>`).join(' ')}</p>`);
    expect(r.links).toHaveLength(10_000);
    expect(r.links[9_999]).toBe('https://example.org/p/9999');
    expect(r.blocks[0]!.md.startsWith('[x](https://example.org/p/0) [again](https://example.org/p/0) [x](')).toBe(true);
  });
});
