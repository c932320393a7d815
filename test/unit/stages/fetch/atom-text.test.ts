// Atom text constructs are read as their type says (RFC 4287 §3.1), Atom 0.3 ones as their MIME type and mode say;
// RSS descriptions stay HTML. The golden files atom-text-types.xml and atom03-modes.xml hold the full outputs.
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../../src/stages/fetch/parse-feed.js';
import type { FeedItem } from '../../../../src/stages/fetch/types.js';

async function atomEntry(inner: string, ns = 'http://www.w3.org/2005/Atom'): Promise<FeedItem> {
  const xml = `<?xml version="1.0"?><feed xmlns="${ns}"><title>F</title><entry><id>urn:x:1</id>${inner}</entry></feed>`;
  const feed = await parseFeed(xml, { url: 'https://atom.example/feed' });
  expect(feed.items).toHaveLength(1);
  return feed.items[0]!;
}

describe('Atom 1.0 text constructs', () => {
  it('keeps <b> and & in a type="text" title as the characters they are', async () => {
    const item = await atomEntry('<title type="text">Use &lt;b&gt; for bold &amp; &amp;amp; for an ampersand</title>');
    expect(item.title).toBe('Use <b> for bold & &amp; for an ampersand');
  });

  it('escapes type="text" summary and content so markup shows as text and is never interpreted', async () => {
    const item = await atomEntry('<summary type="text">a &lt;b&gt;bold&lt;/b&gt; &amp; c</summary><content type="text">x &lt;script&gt;alert(1)&lt;/script&gt; y</content>');
    expect(item.summary).toBe('<p>a &lt;b&gt;bold&lt;/b&gt; &amp; c</p>');
    expect(item.contentHtml).toBe('<p>x &lt;script&gt;alert(1)&lt;/script&gt; y</p>');
  });

  it('reads a construct without a type as text', async () => {
    const item = await atomEntry('<title>a &lt; b &amp;&amp; &lt;i&gt;</title><summary>&lt;p&gt;not a paragraph&lt;/p&gt;</summary>');
    expect(item.title).toBe('a < b && <i>');
    expect(item.summary).toBe('<p>&lt;p&gt;not a paragraph&lt;/p&gt;</p>');
  });

  it('keeps text in CDATA as text', async () => {
    const item = await atomEntry('<title type="text"><![CDATA[A <b> tag]]></title><summary><![CDATA[x <b>y</b>]]></summary>');
    expect(item.title).toBe('A <b> tag');
    expect(item.summary).toBe('<p>x &lt;b&gt;y&lt;/b&gt;</p>');
  });

  it('reads type="html" as escaped HTML, decoded once', async () => {
    const item = await atomEntry('<title type="html">Old &amp;amp; &lt;em&gt;new&lt;/em&gt; &amp;lt;tag&amp;gt;</title><content type="html">&lt;p&gt;&lt;b&gt;Bold&lt;/b&gt; &amp;amp; &amp;lt;b&amp;gt;&lt;/p&gt;</content>');
    expect(item.title).toBe('Old & new <tag>');
    expect(item.contentHtml).toBe('<p><b>Bold</b> &amp; &lt;b&gt;</p>');
  });

  it('reads type="xhtml" elements as markup and its character data as text', async () => {
    const item = await atomEntry(
      '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><b>Bold</b> &amp; &lt;lit&gt;</div></title>' +
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>An <i>inline</i> &lt;tag&gt;</p></div></content>',
    );
    expect(item.title).toBe('Bold & <lit>');
    expect(item.contentHtml).toBe('<p>An <i>inline</i> &lt;tag&gt;</p>');
  });

  it('leaves out the xhtml div that wraps the content, whatever prefix it is written with', async () => {
    const prefixed = await atomEntry('<content type="xhtml"><xhtml:div xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:p>One <xhtml:b>two</xhtml:b></xhtml:p></xhtml:div></content>');
    expect(prefixed.contentHtml).toBe('<p>One <b>two</b></p>');
    const nested = await atomEntry('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><div>a</div><p>b</p></div></content>');
    expect(nested.contentHtml).toBe('<div>a</div><p>b</p>');
  });

  it('keeps content that is more than one div whole', async () => {
    const item = await atomEntry('<content type="xhtml"><div>a</div><div>b</div></content>');
    expect(item.contentHtml).toBe('<div>a</div><div>b</div>');
  });

  it('reads real child elements in a text construct as the markup they were meant to be', async () => {
    const item = await atomEntry('<title>Raw <em>tags</em></title><summary>Pasted <b>HTML</b></summary>');
    expect(item.title).toBe('Raw tags');
    expect(item.summary).toBe('Pasted <b>HTML</b>');
  });

  it('reads MIME types on content: text/plain as text, text/html as HTML, other media not at all', async () => {
    expect((await atomEntry('<content type="text/plain">&lt;b&gt;</content>')).contentHtml).toBe('<p>&lt;b&gt;</p>');
    expect((await atomEntry('<content type="text/html">&lt;b&gt;bold&lt;/b&gt;</content>')).contentHtml).toBe('<b>bold</b>');
    expect((await atomEntry('<content type="image/png">iVBORw0KGgo=</content>')).contentHtml).toBeNull();
  });

  it('reads the feed title as a text construct too', async () => {
    const feed = await parseFeed('<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Notes &lt;dev&gt;</title></feed>');
    expect(feed.title).toBe('Notes <dev>');
  });
});

describe('Atom 0.3 content constructs', () => {
  const atom03 = (inner: string) => atomEntry(inner, 'http://purl.org/atom/ns#');

  it('reads mode="escaped" as HTML or text by the MIME type', async () => {
    expect((await atom03('<content type="text/html" mode="escaped">&lt;b&gt;x&lt;/b&gt; &amp;amp;</content>')).contentHtml).toBe('<b>x</b> &amp;');
    expect((await atom03('<content type="text/plain" mode="escaped">&lt;b&gt;x&lt;/b&gt; &amp;amp;</content>')).contentHtml).toBe('<p>&lt;b&gt;x&lt;/b&gt; &amp;amp;</p>');
  });

  it('takes text/plain as the default type', async () => {
    expect((await atom03('<title>a &lt; b</title><content mode="escaped">&lt;br&gt;</content>')).title).toBe('a < b');
    expect((await atom03('<content mode="escaped">&lt;br&gt;</content>')).contentHtml).toBe('<p>&lt;br&gt;</p>');
  });

  it('decodes mode="base64" before reading it by its type', async () => {
    const html = Buffer.from('<p>Decoded <b>HTML</b></p>').toString('base64');
    const text = Buffer.from('Decoded <plain> & text').toString('base64');
    const item = await atom03(`<title type="text/plain" mode="base64">${Buffer.from('T <1>').toString('base64')}</title><summary type="text/plain" mode="base64">${text}</summary><content type="text/html" mode="base64">${html}</content>`);
    expect(item.title).toBe('T <1>');
    expect(item.summary).toBe('<p>Decoded &lt;plain&gt; &amp; text</p>');
    expect(item.contentHtml).toBe('<p>Decoded <b>HTML</b></p>');
  });

  it('reads mode="xml" inline XHTML as markup', async () => {
    const item = await atom03('<content type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml"><p>In <i>line</i> &lt;x&gt;</p></div></content>');
    expect(item.contentHtml).toContain('<p>In <i>line</i> &lt;x&gt;</p>');
  });
});

describe('other dialects', () => {
  it('keeps reading an RSS description as HTML', async () => {
    const feed = await parseFeed('<rss version="2.0"><channel><title>R</title><item><guid>g</guid><title>T</title><description>&lt;b&gt;bold&lt;/b&gt; &amp;amp; co</description></item></channel></rss>');
    expect(feed.items[0]!.summary).toBe('<b>bold</b> &amp; co');
  });

  it('escapes JSON Feed content_text and summary, which are plain text', async () => {
    const doc = { version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: '1', summary: 'a < b', content_text: 'if (a < b && c) <b>x</b>\n\nnext' }] };
    const feed = await parseFeed(JSON.stringify(doc));
    expect(feed.items[0]!.summary).toBe('<p>a &lt; b</p>');
    expect(feed.items[0]!.contentHtml).toBe('<p>if (a &lt; b &amp;&amp; c) &lt;b&gt;x&lt;/b&gt;</p><p>next</p>');
  });
});
