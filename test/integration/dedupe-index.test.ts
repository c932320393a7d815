// The Redis dedupe index against a real Redis: verdicts, clusters, updates, idempotence, expiry and key layout.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisDedupeIndex, taggedPrefix } from '../../src/infra/dedupe-index.js';
import { DedupeConfigSchema } from '../../src/stages/dedupe/config.js';
import { dedupeKeysOf } from '../../src/stages/dedupe/dedupe-keys.js';
import type { DedupeIndex } from '../../src/stages/dedupe/types.js';
import { loadArticles, loadChrome, sentences, type Lang } from '../fixtures/dedupe/eval-set.js';
import { classifiedArticle } from '../unit/stages/dedupe/article-fixture.js';
import { deletePrefix, REDIS_URL, testPrefix } from './dedupe-helpers.js';

const DAY = 86_400_000;
const config = DedupeConfigSchema.parse({ retentionDays: 30, generations: 6, capacity: 10_000 });
let counter = 0;

/** An article with a fresh 16-hex id unless one is given. */
function article(text: string, opts: { id?: string; url?: string; lang?: Lang; item?: string | null } = {}) {
  const id = opts.id ?? (++counter).toString(16).padStart(16, '0');
  // Each article on its own site unless a URL is given: copies usually live elsewhere.
  const url = opts.url ?? `https://site-${id}.example.com/story`;
  const a = classifiedArticle({ id, url, canonicalUrl: url, text, feedItemId: opts.item ?? null });
  a.classification.lang = opts.lang ?? 'en';
  return a;
}

describe('Redis dedupe index', () => {
  const redis = new Redis(REDIS_URL);
  const prefixes: string[] = [];
  // Simulated days run forward from now: Redis expires keys by its own clock.
  let clock = Date.now();
  const fresh = (cfg = config): { index: DedupeIndex; prefix: string } => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return { prefix, index: createRedisDedupeIndex(redis, prefix, cfg, { now: () => clock }) };
  };
  const check = (index: DedupeIndex, a: ReturnType<typeof article>) => index.checkAndInsert(dedupeKeysOf(a));

  beforeAll(async () => {
    await redis.ping();
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
  });

  for (const lang of ['en', 'zh'] as const) {
    describe(`${lang} stories`, () => {
      const [first, second] = loadArticles(lang);
      const chrome = loadChrome(lang);
      const text = first!.paragraphs.join('\n\n');

      it('marks the first copy unique and later copies as copies of it, in one cluster', async () => {
        const { index } = fresh();
        const original = article(text, { lang });
        expect(await check(index, original)).toEqual({
          status: 'unique', duplicateOf: null, clusterId: original.id, similarity: null, reason: null, updateOf: null,
        });
        const repost = [...chrome.reposts[0]!.header, ...first!.paragraphs, ...chrome.reposts[0]!.footer].join('\n\n');
        const reordered = [...first!.paragraphs].reverse().join('\n\n');
        const all = first!.paragraphs.map((p) => sentences(p, lang));
        const half = all.flat().slice(0, Math.ceil(all.flat().length / 2)).join(lang === 'zh' ? '' : ' ');
        const donor = sentences(second!.paragraphs[2]!, lang)[0]!;
        const edited = first!.paragraphs.map((p, i) => (i === 2 ? [donor, ...sentences(p, lang).slice(1)].join(lang === 'zh' ? '' : ' ') : p)).join('\n\n');
        for (const copy of [repost, reordered, half, edited]) {
          const r = await check(index, article(copy, { lang }));
          expect(r).toMatchObject({ status: 'near-duplicate', duplicateOf: original.id, clusterId: original.id, reason: 'near-text' });
          expect(r.similarity).toBeGreaterThan(0.5);
        }
      });

      it('keeps a same-topic article and a same-site article with shared boilerplate apart', async () => {
        const { index } = fresh();
        const site = chrome.site;
        const onSite = (paragraphs: string[], n: number) =>
          article([...site.header, ...paragraphs, ...site.footer].join('\n\n'), { lang, url: `https://gazette.example.com/${n}` });
        const others = loadArticles(lang).filter((x) => !x.name.startsWith(first!.name.replace(/-\d+$/, '')));
        const a = onSite(first!.paragraphs, 1);
        for (const x of [a, onSite(second!.paragraphs, 2), onSite(others[0]!.paragraphs, 3), onSite(others[1]!.paragraphs.slice(0, 2), 4)]) {
          expect((await check(index, x)).status).toBe('unique');
        }
        // The same article again on that site, under another URL: still a copy.
        expect(await check(index, onSite(first!.paragraphs.slice(0, -1), 5))).toMatchObject({ status: 'near-duplicate', duplicateOf: a.id });
      });
    });
  }

  it('catches tracking-parameter URL variants and copies of the same text elsewhere as duplicates', async () => {
    const { index } = fresh();
    const text = loadArticles('en')[2]!.paragraphs.join('\n\n');
    const original = article(text, { url: 'https://news.example.com/a/1?id=9' });
    await check(index, original);
    const viaTracking = article(text, { url: 'https://NEWS.example.com:443/a/1?utm_source=tw&id=9&fbclid=x#top' });
    expect(await check(index, viaTracking)).toMatchObject({ status: 'duplicate', duplicateOf: original.id, reason: 'url', similarity: 1 });
    const elsewhere = article(text.toUpperCase(), { url: 'https://mirror.example.org/copy' });
    expect(await check(index, elsewhere)).toMatchObject({ status: 'duplicate', duplicateOf: original.id, reason: 'content-hash' });
  });

  it('does not take identical stub texts (a paywall notice) for copies of one story', async () => {
    const { index } = fresh();
    const stub = 'Subscribe to continue reading.';
    expect((await check(index, article(stub))).status).toBe('unique');
    expect((await check(index, article(stub))).status).toBe('unique');
    const first = article(stub, { url: 'https://paper.example.com/a/1' });
    await check(index, first);
    expect(await check(index, article(stub, { url: 'https://paper.example.com/a/1?utm_source=x' }))).toMatchObject({ status: 'duplicate', reason: 'url', duplicateOf: first.id });
  });

  it('reports a changed text at the same URL or feed item as an update of the first version', async () => {
    const { index } = fresh();
    const [a, b] = loadArticles('en');
    const text = a!.paragraphs.join('\n\n');
    const first = article(text, { url: 'https://news.example.com/live', item: 'item-1' });
    await check(index, first);
    const corrected = article(`${text}\n\nCorrection: an earlier version misstated the number of ships.`, { url: 'https://news.example.com/live?utm_medium=x' });
    expect(await check(index, corrected)).toMatchObject({
      status: 'near-duplicate', reason: 'url-update', updateOf: first.id, duplicateOf: first.id, clusterId: first.id,
    });
    const rewritten = article(b!.paragraphs.join('\n\n'), { url: 'https://news.example.com/other', item: 'item-1' });
    expect(await check(index, rewritten)).toMatchObject({ status: 'near-duplicate', reason: 'item-update', updateOf: first.id });
  });

  it('gives a redelivered or replayed article the verdict it got the first time', async () => {
    const { index } = fresh();
    const [a] = loadArticles('zh');
    const text = a!.paragraphs.join('\n\n');
    const original = article(text, { lang: 'zh' });
    const dup = article(text, { lang: 'zh' });
    const near = article(a!.paragraphs.slice(0, 3).join('\n\n'), { lang: 'zh' });
    const update = article(`${text}\n\n更正：文中数据已更新。`, { url: original.url, lang: 'zh' });
    const first = [];
    for (const x of [original, dup, near, update]) first.push(await check(index, x));
    expect(first.map((r) => r.status)).toEqual(['unique', 'duplicate', 'near-duplicate', 'near-duplicate']);
    for (const [i, x] of [original, dup, near, update].entries()) expect(await check(index, x)).toEqual(first[i]);
    const sameIdSameText = article(text, { id: original.id, url: 'https://elsewhere.example.com/x', lang: 'zh' });
    expect(await check(index, sameIdSameText)).toEqual(first[0]);
  });

  it('keeps copies of copies in the first article\'s cluster', async () => {
    const { index } = fresh();
    const [a, , c] = loadArticles('en');
    const paras = a!.paragraphs;
    const v1 = article(paras.join('\n\n'));
    const v2 = article([...paras.slice(0, 4), c!.paragraphs[0]!].join('\n\n'));
    const v2copy = article([...paras.slice(0, 4), c!.paragraphs[0]!].join('\n\n'));
    const v2grown = article([...paras.slice(0, 4), c!.paragraphs[0]!, 'An update added this closing line to the story.'].join('\n\n'));
    await check(index, v1);
    expect(await check(index, v2)).toMatchObject({ status: 'near-duplicate', duplicateOf: v1.id, clusterId: v1.id });
    expect(await check(index, v2copy)).toMatchObject({ status: 'duplicate', duplicateOf: v2.id, clusterId: v1.id });
    expect(await check(index, v2grown)).toMatchObject({ status: 'near-duplicate', clusterId: v1.id });
  });

  it('finds an edit of an edit through the version it resembles, in the first article\'s cluster', async () => {
    const { index } = fresh();
    const [a, , c] = loadArticles('en');
    const paras = a!.paragraphs;
    const v1 = article(paras.join('\n\n'));
    const v2 = article([...paras.slice(0, 4), c!.paragraphs[0]!].join('\n\n'));
    // v3 drops v1's lead and adds more of c: too far from v1 to match it, close to v2.
    const v3 = article([...paras.slice(1, 4), c!.paragraphs[0]!, c!.paragraphs[1]!].join('\n\n'));
    await check(index, v1);
    await check(index, v2);
    expect(await check(index, v3)).toMatchObject({ status: 'near-duplicate', duplicateOf: v2.id, clusterId: v1.id });
  });

  it('takes a text key that another text shares for no copy: a text hit needs the same signature', async () => {
    const { index, prefix } = fresh();
    const [a, b] = loadArticles('en');
    const first = article(a!.paragraphs.join('\n\n'));
    await check(index, first);
    // Keys are fingerprints of their hashes: plant the other text's key on the first article's record, as a
    // collision would (at both field widths, so the old 23-bit fields collide too).
    const other = article(b!.paragraphs.join('\n\n'));
    const P = taggedPrefix(prefix);
    const g = Math.floor(clock / (5 * DAY));
    const [xb, , fieldBits] = (await redis.get(`${P}:m:${g}`))!.split(',').map(Number);
    expect(fieldBits).toBe(32);
    const hash = dedupeKeysOf(other).textHash;
    const [hi, lo] = [parseInt(hash.slice(0, 8), 16), parseInt(hash.slice(8, 16), 16)];
    const bucket = `${P}:x:${g}:${Math.floor(hi / 2 ** (32 - xb!))}`;
    await redis.hset(bucket, String(lo), '1', String(lo % 2 ** 23), '1');
    expect(await check(index, other)).toMatchObject({ status: 'unique', clusterId: other.id });
  });

  it('reads and extends a generation written with 23-bit exact-key fields', async () => {
    const { index, prefix } = fresh();
    const P = taggedPrefix(prefix);
    const g = Math.floor(clock / (5 * DAY));
    // A generation started before fields were 32 bits: its meta names no field width.
    await redis.set(`${P}:m:${g}`, '0,0', 'PX', DAY);
    const text = loadArticles('en')[2]!.paragraphs.join('\n\n');
    const original = article(text);
    await check(index, original);
    const fields = (await redis.hkeys(`${P}:x:${g}:0`)).map(Number);
    expect(fields).toHaveLength(2);
    for (const f of fields) expect(f).toBeLessThan(2 ** 23);
    expect(await check(index, article(text))).toMatchObject({ status: 'duplicate', reason: 'content-hash', duplicateOf: original.id });
  });

  it('gives an article seen before the verdict it got then, even when its text has changed since', async () => {
    const { index, prefix } = fresh();
    const text = loadArticles('en')[1]!.paragraphs.join('\n\n');
    const first = article(text, { url: 'https://news.example.com/ports', item: 'item-9' });
    const verdict = await check(index, first);
    // The same article after a clean rule changed its text (a replay), or its page fetched again.
    const again = article(`${text}\n\nRelated: more stories from our port desk.`, { id: first.id, url: first.url, item: 'item-9' });
    expect(await check(index, again)).toEqual(verdict);
    const g = Math.floor(clock / (5 * DAY));
    expect(await redis.get(`${taggedPrefix(prefix)}:m:${g}`)).not.toBeNull();
    expect(await redis.get(`${taggedPrefix(prefix)}:n:${g}`)).toBe('1');
  });

  it('judges without adding anything when read-only', async () => {
    const { index, prefix } = fresh();
    const readOnly = createRedisDedupeIndex(redis, prefix, config, { now: () => clock, readOnly: true });
    const [a, b] = loadArticles('zh');
    const text = a!.paragraphs.join('\n\n');
    const unseen = article(b!.paragraphs.join('\n\n'), { lang: 'zh' });
    expect(await readOnly.checkAndInsert(dedupeKeysOf(unseen))).toMatchObject({ status: 'unique', clusterId: unseen.id });
    expect(await redis.keys(`${taggedPrefix(prefix)}:*`)).toEqual([]);
    const original = article(text, { lang: 'zh' });
    await check(index, original);
    const keys = (await redis.keys(`${taggedPrefix(prefix)}:*`)).sort();
    expect(await readOnly.checkAndInsert(dedupeKeysOf(article(text, { lang: 'zh' })))).toMatchObject({ status: 'duplicate', duplicateOf: original.id });
    expect(await readOnly.checkAndInsert(dedupeKeysOf(unseen))).toMatchObject({ status: 'unique' });
    expect((await redis.keys(`${taggedPrefix(prefix)}:*`)).sort()).toEqual(keys);
    expect(await redis.get(`${taggedPrefix(prefix)}:n:${Math.floor(clock / (5 * DAY))}`)).toBe('1');
  });

  it('uses non-hex article ids as they are', async () => {
    const { index } = fresh();
    const text = loadArticles('en')[3]!.paragraphs.join('\n\n');
    await check(index, article(text, { id: 'ingest:2025/report.md' }));
    expect(await check(index, article(text, { id: 'ingest:2025/copy.md' }))).toMatchObject({ duplicateOf: 'ingest:2025/report.md' });
  });

  it('forgets articles after the retention window', async () => {
    const { index } = fresh();
    const text = loadArticles('en')[4]!.paragraphs.join('\n\n');
    const start = clock;
    const original = article(text);
    await check(index, original);
    clock = start + 29 * DAY;
    expect(await check(index, article(text))).toMatchObject({ status: 'duplicate', duplicateOf: original.id });
    clock = start + 36 * DAY;
    const later = article(text);
    expect(await check(index, later)).toMatchObject({ status: 'unique', clusterId: later.id });
    clock = start;
  });

  it('keeps every key under the prefix\'s hash tag, compact, and expiring', async () => {
    const { index, prefix } = fresh();
    for (const a of loadArticles('zh')) await check(index, article(a.paragraphs.join('\n\n'), { lang: 'zh' }));
    const keys = await redis.keys(`${taggedPrefix(prefix)}:*`);
    expect(keys.length).toBeGreaterThan(10);
    const slots = new Set(await Promise.all(keys.map((k) => redis.call('CLUSTER', 'KEYSLOT', k).catch(() => null))));
    if (!slots.has(null)) expect(slots.size).toBe(1);
    for (const key of keys) {
      const [type, encoding, ttl] = await Promise.all([redis.type(key), redis.object('ENCODING', key), redis.pttl(key)]);
      if (type === 'hash') expect(encoding).toBe('listpack');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(35 * DAY + 1000 + (clock + 1000 - Date.now()));
    }
  });
});
