// parseFeed never throws: every fixture cut at many points and sprinkled with hostile bytes still resolves to a
// well-formed ParsedFeed (a seeded generator keeps the cases the same on every run).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../../src/stages/fetch/parse-feed.js';
import { FeedItemSchema } from '../../../../src/stages/fetch/types.js';
import { balanceTags } from '../../../../src/stages/fetch/xml-tree.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/feeds/parse');
const inputs = readdirSync(dir).filter((f) => !f.endsWith('.expected.json'));

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NASTY = ['&', '<', '>', ']]>', '<![CDATA[', '\u0000', '\uFFFE', '&#0;', '&nbsp', '</item>', '<item>', '"', '\ud800', '<?xml version="1.0"?>', '<!--', '{', '}'];

describe('parseFeed robustness', () => {
  for (const name of inputs) {
    it(`survives truncations and injected junk in ${name}`, async () => {
      const rand = prng(name.length * 7919);
      const text = readFileSync(path.join(dir, name), 'utf8');
      for (let i = 0; i < 25; i++) {
        const cut = Math.floor(rand() * text.length);
        let mutated = text.slice(0, cut);
        if (i % 2 === 1) {
          const at = Math.floor(rand() * text.length);
          mutated = text.slice(0, at) + NASTY[Math.floor(rand() * NASTY.length)] + text.slice(at);
        }
        const feed = await parseFeed(i % 3 === 0 ? Buffer.from(mutated) : mutated, { url: 'https://feeds.example/x' });
        expect(['rss', 'atom', 'rdf', 'json', 'unknown']).toContain(feed.format);
        for (const item of feed.items) FeedItemSchema.parse(item);
        if (feed.malformed) expect(typeof feed.malformed.reason).toBe('string');
      }
    });
  }

  it('reads an item whose HTML nests 200,000 elements deep, keeping its text', async () => {
    // The sanitizer's parser takes time with the square of the nesting: uncapped, this item took about 15 s.
    const inner = `${'<span>'.repeat(200_000)}the text at the bottom${'</span>'.repeat(200_000)}`;
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Deep</title><link>https://example.org/deep</link><description><![CDATA[<p>Lead.</p>${inner}]]></description></item></channel></rss>`;
    const feed = await parseFeed(xml);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]!.summary).toContain('the text at the bottom');
    expect(feed.items[0]!.contentHtml ?? feed.items[0]!.summary).toContain('Lead.');
  });

  it('reads a truncated feed of 20,000 items with CDATA, and items whose text is 100,000 unclosed "<"', async () => {
    // Each case once took time with the square of its length: a lookahead per CDATA section rescanned the rest of
    // the document, and tag patterns scanned from every "<" to the end.
    const items = Array.from({ length: 20_000 }, (_, i) => `<item><title>t${i}</title><link>https://example.org/${i}</link><description><![CDATA[<p>Text ${i}.</p>]]></description></item>`);
    const truncated = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${items.join('')}<item><title>cut</title><description><![CDATA[<p>half`;
    const feed = await parseFeed(truncated);
    expect(feed.items.length).toBeGreaterThanOrEqual(20_000);
    expect(feed.items[19_999]!.summary).toBe('<p>Text 19999.</p>');
    const lt = await parseFeed(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>lt</title><link>https://example.org/lt</link><description>${'&lt;'.repeat(50_000)}${'<a'.repeat(50_000)} end</description></item></channel></rss>`);
    expect(lt.items.map((i) => i.link)).toEqual(['https://example.org/lt']);
  });

  it('returns a reason for input that is nothing like a feed', async () => {
    for (const junk of ['', '   ', 'plain words', '{"not":"a feed"}', '[1,2,3]', '<', '<?xml', Buffer.from([0xff, 0xfe, 0x00, 0xd8])]) {
      const feed = await parseFeed(junk);
      expect(feed.items).toEqual([]);
      expect(feed.malformed?.reason).toBeTruthy();
    }
  });
});

describe('parseFeed on markup nested or closed without end', () => {
  const head = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>';
  const item = (i: number) => `<item><guid>g${i}</guid><title>T${i}</title><link>https://example.org/${i}</link></item>`;

  it('keeps the items before 5,000 unclosed nested elements', async () => {
    // Each level cost a call when the forgiving parse's tree was folded: the stack ran out and every item was lost.
    const feed = await parseFeed(`${head}${item(1)}${item(2)}<item><guid>g3</guid><title>T3</title>${'<b>'.repeat(5_000)}</channel></rss>`);
    expect(feed.items.slice(0, 2).map((i) => [i.id, i.title])).toEqual([
      ['g1', 'T1'],
      ['g2', 'T2'],
    ]);
    expect(feed.malformed?.reason).toMatch(/recovered leniently/);
  });

  it('reads a feed with 20,000 unclosed elements then 20,000 end tags that close none of them', async () => {
    const feed = await parseFeed(`${head}${item(1)}${'<a>'.repeat(20_000)}${'</b>'.repeat(20_000)}`);
    expect(feed.items.map((i) => [i.id, i.title])).toEqual([['g1', 'T1']]);
  });

  it('folds a well-formed upper-case feed nested 10,000 deep', async () => {
    const feed = await parseFeed(`<RSS version="2.0"><CHANNEL><TITLE>T</TITLE><ITEM><GUID>g1</GUID></ITEM><ITEM><GUID>g2</GUID>${'<x>'.repeat(10_000)}${'</x>'.repeat(10_000)}</ITEM></CHANNEL></RSS>`);
    expect(feed.items.map((i) => i.id)).toEqual(['g1', 'g2']);
  });

  it('drops end tags that close nothing and start tags past the depth limit, and closes what is open', () => {
    expect(balanceTags('<rss><channel><item><title>T</title></b></item><x><y>', 2)).toBe('<rss><channel>T</channel></rss>');
    // Tags inside comments, CDATA, quoted attribute values and scripts are not tags.
    expect(balanceTags('<rss a="</rss>"><!-- </rss> --><d><![CDATA[</rss>]]></d><script>"</rss>"</script></c>')).toBe(
      '<rss a="</rss>"><!-- </rss> --><d><![CDATA[</rss>]]></d><script>"</rss>"</script></rss>',
    );
    // Markup cut off at the end is left out; end tags match whatever the case, as in sax.
    expect(balanceTags('<rss><Item><title>T</TITLE></item><item><title>U</ti')).toBe('<rss><Item><title>T</TITLE></item><item><title>U</title></item></rss>');
  });
});
