// Scale bench of the Redis dedupe index: N synthetic articles (English-like and Chinese-like text, with 10% near
// copies and 5% exact copies) spread over the retention window, then single checks at that size, against a
// brute-force pairwise comparison on a sample measured in the same run.
import { performance } from 'node:perf_hooks';
import { createRedisDedupeIndex } from '../src/infra/dedupe-index.js';
import type { DedupeConfig } from '../src/stages/dedupe/config.js';
import { encodeSketch, sketch } from '../src/stages/dedupe/fingerprint.js';
import { textHash } from '../src/stages/dedupe/normalize.js';
import { shingleHashes } from '../src/stages/dedupe/shingles.js';
import { decide, exactOverlap } from '../src/stages/dedupe/similarity.js';
import type { DedupeKeys } from '../src/stages/dedupe/types.js';
import { rng } from '../src/domain/random.js';
import { deleteKeys, usedMemory, type RedisHandle } from './dedupe-redis.js';

const DAY = 86_400_000;
const BATCH = 5_000;
const IN_FLIGHT = 256;

/** Text with a realistic (Zipf) word distribution, so common words and shingles recur across articles. */
function makeGenerator(seed: number) {
  const r = rng(seed);
  const syll = ['ka', 'lo', 'mi', 'sen', 'tra', 'por', 'de', 'vin', 'ul', 'res', 'ta', 'on', 'be', 'gri', 'sto', 'an'];
  const words = Array.from({ length: 30_000 }, () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => syll[Math.floor(r() * syll.length)]).join(''));
  const hanz = Array.from({ length: 3_500 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000)));
  const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1)) - 1));
  const english = () =>
    Array.from({ length: 8 + Math.floor(r() * 12) }, () => `${Array.from({ length: 8 + Math.floor(r() * 12) }, () => words[zipf(words.length)]).join(' ')}.`)
      .reduce<string[]>((paras, s, i) => (i % 3 === 0 ? [...paras, s] : [...paras.slice(0, -1), `${paras.at(-1)} ${s}`]), [])
      .join('\n\n');
  const chinese = () =>
    Array.from({ length: 8 + Math.floor(r() * 12) }, () => `${Array.from({ length: 15 + Math.floor(r() * 25) }, () => hanz[zipf(hanz.length)]).join('')}。`)
      .reduce<string[]>((paras, s, i) => (i % 3 === 0 ? [...paras, s] : [...paras.slice(0, -1), `${paras.at(-1)}${s}`]), [])
      .join('\n\n');
  /** A near copy: one paragraph dropped, a header and a footer added. */
  const nearCopy = (text: string) => {
    const paras = text.split('\n\n');
    if (paras.length > 3) paras.splice(1 + Math.floor(r() * (paras.length - 2)), 1);
    return ['Republished with permission from a partner site.', ...paras, 'Share this story. Comments are closed.'].join('\n\n');
  };
  return { r, article: () => (r() < 0.2 ? chinese() : english()), nearCopy };
}

const keysOf = (i: number, text: string, url = `https://site${i % 997}.example/a/${i}`): DedupeKeys => ({
  id: i.toString(16).padStart(16, '0'),
  canonicalUrl: url,
  feedItemKey: null,
  textHash: textHash(text),
  fingerprint: encodeSketch(sketch(text)),
});

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function scale(handle: RedisHandle, config: DedupeConfig, size: number, sample: number): Promise<void> {
  const { redis } = handle;
  const prefix = `bench-scale-${process.pid}`;
  const start = Date.now();
  let clock = start;
  const index = createRedisDedupeIndex(redis, prefix, config, { now: () => clock });
  const gen = makeGenerator(7);
  console.log(`\n== scale: ${size.toLocaleString()} articles over ${config.retentionDays} simulated days, ${handle.private ? 'private redis-server' : 'shared Redis (memory figure includes others)'}`);

  const memBefore = await usedMemory(redis);
  const reservoir: { i: number; text: string }[] = [];
  const statuses: Record<string, number> = {};
  let fpMs = 0;
  let redisMs = 0;
  for (let from = 0; from < size; from += BATCH) {
    const t0 = performance.now();
    const batch: { keys: DedupeKeys; at: number }[] = [];
    for (let i = from; i < Math.min(size, from + BATCH); i++) {
      const roll = gen.r();
      const earlier = reservoir.length > 0 ? reservoir[Math.floor(gen.r() * reservoir.length)]! : null;
      const text = earlier && roll < 0.1 ? gen.nearCopy(earlier.text) : earlier && roll < 0.15 ? earlier.text : gen.article();
      if (reservoir.length < sample) reservoir.push({ i, text });
      else if (gen.r() < sample / (i + 1)) reservoir[Math.floor(gen.r() * sample)] = { i, text };
      batch.push({ keys: keysOf(i, text), at: start + (i / size) * config.retentionDays * DAY });
    }
    const t1 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const { keys, at } = batch[next++]!;
        clock = at;
        const v = await index.checkAndInsert(keys);
        statuses[v.status] = (statuses[v.status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    fpMs += t1 - t0;
    redisMs += performance.now() - t1;
    if ((from / BATCH) % 20 === 19) process.stdout.write(`   ${(from + BATCH).toLocaleString()} indexed\n`);
  }
  const memAfter = await usedMemory(redis);
  const perArticle = (memAfter - memBefore) / size;
  console.log(`verdicts while indexing: ${JSON.stringify(statuses)}`);
  console.log(`Redis memory: ${((memAfter - memBefore) / 1e6).toFixed(1)} MB for ${size.toLocaleString()} articles = ${perArticle.toFixed(1)} bytes/article (goal <= 200)`);
  console.log(`fingerprint + keys: ${((size / fpMs) * 1000).toFixed(0)} articles/s in this process`);
  console.log(`check-and-insert throughput: ${((size / redisMs) * 1000).toFixed(0)} articles/s (${IN_FLIGHT} in flight, one connection)`);

  const encodings: Record<string, number> = {};
  const [, someKeys] = await redis.scan('0', 'MATCH', `{${prefix}}:*`, 'COUNT', 2000);
  for (const k of someKeys) {
    const e = `${await redis.type(k)}/${await redis.object('ENCODING', k)}`;
    encodings[e] = (encodings[e] ?? 0) + 1;
  }
  console.log(`encodings of ${someKeys.length} sampled keys: ${JSON.stringify(encodings)}`);

  // Single checks at full size: near copies of sampled articles (should be caught) and new articles (should not).
  clock = start + config.retentionDays * DAY;
  // On a private server, the slow log with a zero threshold records each probe's time inside Redis.
  if (handle.private) await redis.config('SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '4096').then(() => redis.slowlog('RESET'));
  const lat: number[] = [];
  let caught = 0;
  let falseHits = 0;
  const probes = Math.min(1_000, reservoir.length);
  for (let q = 0; q < probes; q++) {
    const copy = q % 2 === 0;
    const text = copy ? gen.nearCopy(reservoir[q]!.text) : gen.article();
    const keys = keysOf(size + q, text, `https://probe.example/${q}`);
    const t0 = performance.now();
    const v = await index.checkAndInsert(keys);
    lat.push(performance.now() - t0);
    if (copy && v.status !== 'unique') caught++;
    if (!copy && v.status !== 'unique') falseHits++;
  }
  const p50 = quantile(lat, 0.5);
  const p99 = quantile(lat, 0.99);
  console.log(`one check at ${size.toLocaleString()}: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (goal p99 <= 2 ms), round trip included`);
  if (handle.private) {
    const log = (await redis.slowlog('GET', 4096)) as [number, number, number, string[]][];
    const inRedis = log.filter((e) => String(e[3]?.[0]).toLowerCase() === 'evalsha').map((e) => e[2] / 1000);
    await redis.config('SET', 'slowlog-log-slower-than', '10000');
    console.log(`   time inside Redis of the same checks (slow log): p50 ${quantile(inRedis, 0.5).toFixed(3)} ms, p99 ${quantile(inRedis, 0.99).toFixed(3)} ms`);
    const stats = await redis.info('commandstats');
    const perCall = /cmdstat_evalsha:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/.exec(stats)?.[1];
    console.log(`   Redis time per check-and-insert over the run (INFO commandstats): ${perCall} µs`);
  }
  console.log(`   probes: ${caught}/${Math.ceil(probes / 2)} near copies caught, ${falseHits}/${Math.floor(probes / 2)} new articles wrongly matched`);

  // Brute force: compare a new article with every sampled article exactly (shingle sets precomputed), as a
  // linear scan over stored sets would.
  const sets = reservoir.map((x) => shingleHashes(x.text));
  const queries = 50;
  const t0 = performance.now();
  let bruteCaught = 0;
  for (let q = 0; q < queries; q++) {
    const mine = shingleHashes(gen.nearCopy(reservoir[q]!.text));
    let hit = false;
    for (const other of sets) if (decide(exactOverlap(mine, other), config).status !== 'unique') hit = true;
    if (hit) bruteCaught++;
  }
  const bruteMs = (performance.now() - t0) / queries;
  const extrapolated = bruteMs * (size / reservoir.length);
  console.log(
    `brute force: ${bruteMs.toFixed(1)} ms per check against ${reservoir.length.toLocaleString()} articles (caught ${bruteCaught}/${queries}); ` +
      `linear at ${size.toLocaleString()}: ~${(extrapolated / 1000).toFixed(1)} s per check = ${(extrapolated / p50).toFixed(0)}x the index's p50`,
  );
  await deleteKeys(redis, `{${prefix}}:*`);
}
