import { describe, expect, it } from 'vitest';
import { collapseText, htmlToText, sanitizeItemHtml, textToHtml, toPlainText } from '../../../../src/stages/fetch/sanitize.js';

describe('sanitizeItemHtml', () => {
  const hostile = `
    <script>steal()</script><style>p{}</style>
    <p onclick="x()" style="color:red">Text <a href="javascript:alert(1)">js</a> <a href="JaVaScRiPt:alert(1)">js2</a>
    <a href="data:text/html;base64,AAAA">data</a> <a href="/rel">rel</a></p>
    <iframe src="https://evil.example"></iframe><frameset><frame src="x"></frameset>
    <form action="/login"><input name="p"><button>Go</button></form>
    <img src="data:image/gif;base64,R0lGOD" onerror="x()"><img src="pic.jpg"><img data-src="/lazy.jpg" src="data:image/gif;base64,AA">
    <object data="a.swf"></object><embed src="b.swf"><svg onload="x()"><circle/></svg>`;
  const out = sanitizeItemHtml(hostile, 'https://news.example/a/b.html')!;

  it('removes scripts, styles, handlers, forms, frames and plugins with their contents', () => {
    for (const bad of ['<script', 'steal', '<style', 'onclick', 'style=', '<iframe', '<frame', '<form', '<input', '<button', '<object', '<embed', '<svg', 'onload', 'onerror']) {
      expect(out).not.toContain(bad);
    }
  });

  it('removes javascript: and data: URLs in any case', () => {
    expect(out.toLowerCase()).not.toContain('javascript:');
    expect(out).not.toContain('data:');
  });

  it('keeps text and resolves relative links and lazy images against the base', () => {
    expect(out).toContain('Text ');
    expect(out).toContain('<a href="https://news.example/rel">rel</a>');
    expect(out).toContain('<img src="https://news.example/a/pic.jpg" />');
    expect(out).toContain('<img src="https://news.example/lazy.jpg" />');
  });

  it('returns null for empty input', () => {
    expect(sanitizeItemHtml('  ')).toBeNull();
    expect(sanitizeItemHtml(null)).toBeNull();
  });
});

describe('toPlainText', () => {
  it('strips tags, decodes entities and collapses whitespace', () => {
    expect(toPlainText('<b>Bold</b> &amp;\n  <i>more</i>&nbsp;text')).toBe('Bold & more text');
  });

  it('never lets double-escaped markup come back as a tag', () => {
    expect(toPlainText('&lt;script&gt;x()&lt;/script&gt;Title')).toBe('Title');
    expect(toPlainText('Use &lt;b&gt; for bold')).not.toContain('<b>');
  });

  it('keeps a literal less-than sign in prose', () => {
    expect(toPlainText('3 &lt; 5 and 7 > 2')).toBe('3 < 5 and 7 > 2');
  });
});

describe('collapseText', () => {
  it('keeps characters that look like markup or entities as they are', () => {
    expect(collapseText('  Use <b> for bold\n &amp; more\u0001 ')).toBe('Use <b> for bold &amp; more');
  });

  it('returns null when only whitespace is left', () => {
    expect(collapseText(' \n\t')).toBeNull();
  });
});

describe('textToHtml', () => {
  it('escapes every character HTML would read as markup', () => {
    expect(textToHtml('a <b>bold</b> & c &amp; d > e')).toBe('<p>a &lt;b&gt;bold&lt;/b&gt; &amp; c &amp;amp; d &gt; e</p>');
  });

  it('turns blank lines into paragraphs and line breaks into <br>, ignoring indentation around them', () => {
    expect(textToHtml('\n    First line\r\n    second line\n\n    Next paragraph\n  ')).toBe('<p>First line<br>second line</p><p>Next paragraph</p>');
  });

  it('returns null for empty input', () => {
    expect(textToHtml('  ')).toBeNull();
    expect(textToHtml(null)).toBeNull();
  });
});

describe('htmlToText', () => {
  it('decodes once, so escaped markup in HTML shows as the characters it stands for', () => {
    expect(htmlToText('<em>Use</em> &lt;b&gt; &amp;amp; more')).toBe('Use <b> &amp; more');
  });
});
