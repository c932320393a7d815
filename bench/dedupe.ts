// Dedupe benchmarks. `quality`: precision and recall of the near-duplicate decision on the labelled evaluation
// set (fixtures + generated variants, English and Chinese, plus real pages from ../shared when present), against
// a SimHash baseline, with a threshold sweep. `scale`: index N synthetic articles into a private redis-server and
// report memory per article, check-and-insert throughput and single-check latency, against brute force.
//
//   npx tsx bench/dedupe.ts [quality|scale|all] [--size 50000] [--sample 2000] [--seeds 10] [--corpus 300]
//                           [--redis redis://host:port (else a private redis-server on a free port)]
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { compare } from '../src/stages/dedupe/compare.js';
import { DEFAULT_DEDUPE_CONFIG, DedupeConfigSchema, type DedupeConfig } from '../src/stages/dedupe/config.js';
import { sketch, encodeSketch, type Sketch } from '../src/stages/dedupe/fingerprint.js';
import { shingleHashes } from '../src/stages/dedupe/shingles.js';
import { decide, nibbleOverlap, type Thresholds } from '../src/stages/dedupe/similarity.js';
import { textHash } from '../src/stages/dedupe/normalize.js';
import { createRedisDedupeIndex } from '../src/infra/dedupe-index.js';
import type { DedupeKeys } from '../src/stages/dedupe/types.js';
import { buildEvalSet, type Pair } from '../test/fixtures/dedupe/eval-set.js';
import { corpusPairs } from './dedupe-corpus.js';
import { simhash, hamming } from './dedupe-simhash.js';
import { deleteKeys, startRedis, type RedisHandle } from './dedupe-redis.js';
import { scale } from './dedupe-scale.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string', default: '50000' },
    sample: { type: 'string', default: '2000' },
    seeds: { type: 'string', default: '10' },
    corpus: { type: 'string', default: '300' },
    redis: { type: 'string' },
  },
});
const mode = positionals[0] ?? 'all';

interface Score {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}
const score = (pairs: Pair[], caught: boolean[]): Score => {
  const s = { tp: 0, fp: 0, fn: 0, tn: 0 };
  pairs.forEach((p, i) => {
    if (p.same) caught[i] ? s.tp++ : s.fn++;
    else caught[i] ? s.fp++ : s.tn++;
  });
  return s;
};
const pr = (s: Score) => ({ precision: s.tp / Math.max(1, s.tp + s.fp), recall: s.tp / Math.max(1, s.tp + s.fn) });
const fmt = (s: Score) => {
  const { precision, recall } = pr(s);
  const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
  return `P ${precision.toFixed(3)}  R ${recall.toFixed(3)}  F1 ${f1.toFixed(3)}  (tp ${s.tp} fp ${s.fp} fn ${s.fn} tn ${s.tn})`;
};

/** The index's decision, reproduced in memory: a shared band value makes a candidate, the 4-bit signature decides. */
function sketchDecision(a: Sketch, b: Sketch, bands: number, t: Thresholds & { sameSiteJaccard: number }, sameSite: boolean): boolean {
  let candidate = false;
  for (let i = 0; i < bands && !candidate; i++) candidate = a.mins[i] === b.mins[i];
  if (!candidate) return false;
  const o = nibbleOverlap(a, b);
  if (sameSite) return Math.min(o.sizeA, o.sizeB) >= t.minShingles && o.jaccard >= t.sameSiteJaccard;
  return decide(o, t).status !== 'unique';
}

async function indexDecisions(redis: Redis, pairs: Pair[], config: DedupeConfig): Promise<boolean[]> {
  const base = `bench-q-${process.pid}`;
  const keys = (id: string, text: string, site: string): DedupeKeys => ({
    id,
    canonicalUrl: `https://${site}.example/${id}`,
    feedItemKey: null,
    textHash: textHash(text),
    fingerprint: encodeSketch(sketch(text)),
  });
  const out: boolean[] = [];
  for (const [i, p] of pairs.entries()) {
    const index = createRedisDedupeIndex(redis, `${base}:${i}`, config);
    await index.checkAndInsert(keys((2 * i).toString(16).padStart(16, '0'), p.a, 'site-a'));
    const b = keys((2 * i + 1).toString(16).padStart(16, '0'), p.b, p.sameSite ? 'site-a' : 'site-b');
    out.push((await index.checkAndInsert(b)).status !== 'unique');
  }
  await deleteKeys(redis, `{${base}:*`);
  return out;
}

async function quality(handle: RedisHandle): Promise<void> {
  const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
  const fixturePairs = buildEvalSet(seeds);
  const extra = corpusPairs(Number(values.corpus));
  const pairs = [...fixturePairs, ...extra];
  console.log(`\n== quality: ${pairs.length} labelled pairs (${fixturePairs.length} from fixtures, ${extra.length} from ../shared pages), ${pairs.filter((p) => p.same).length} copies`);

  const sketches = pairs.map((p) => [sketch(p.a), sketch(p.b)] as const);
  const byKind = (caught: boolean[]) => {
    const kinds = new Map<string, { n: number; caught: number; same: boolean }>();
    pairs.forEach((p, i) => {
      const k = `${p.lang} ${p.same ? 'copy    ' : 'distinct'} ${p.kind}`;
      const e = kinds.get(k) ?? { n: 0, caught: 0, same: p.same };
      e.n++;
      if (caught[i]) e.caught++;
      kinds.set(k, e);
    });
    for (const [k, e] of [...kinds].sort()) console.log(`   ${k.padEnd(44)} ${e.same ? 'caught' : 'merged'} ${e.caught}/${e.n}`);
  };

  // Baseline: 64-bit SimHash of the same shingles, at its best Hamming threshold on this very set (its best case).
  const sims = pairs.map((p) => hamming(simhash(shingleHashes(p.a)), simhash(shingleHashes(p.b))));
  let bestK = 0;
  let bestF = -1;
  for (let k = 0; k <= 24; k++) {
    const { precision, recall } = pr(score(pairs, sims.map((d) => d <= k)));
    const f = (2 * precision * recall) / Math.max(1e-9, precision + recall);
    if (f > bestF) [bestF, bestK] = [f, k];
  }
  const baseline = score(pairs, sims.map((d) => d <= bestK));
  console.log(`SimHash baseline (Hamming <= ${bestK}, its best):  ${fmt(baseline)}`);

  const exact = score(pairs, pairs.map((p) => compare(p.a, p.b).status !== 'unique'));
  console.log(`compare() (exact shingle sets, defaults):        ${fmt(exact)}`);

  console.log('sweep of the index decision (MinHash bands + 4-bit signature), in memory:');
  const rows: { t: Thresholds; s: Score }[] = [];
  for (const nearJaccard of [0.4, 0.45, 0.5, 0.55, 0.6]) {
    for (const nearContainment of [0.7, 0.75, 0.8, 0.85, 0.9]) {
      for (const containmentMinJaccard of [0.15, 0.2, 0.25, 0.3]) {
        const t = { ...DEFAULT_DEDUPE_CONFIG, nearJaccard, nearContainment, containmentMinJaccard };
        rows.push({ t, s: score(pairs, sketches.map(([a, b], i) => sketchDecision(a, b, DEFAULT_DEDUPE_CONFIG.bands, t, pairs[i]!.sameSite === true))) });
      }
    }
  }
  rows.sort((x, y) => {
    const [px, py] = [pr(x.s), pr(y.s)];
    return py.precision + py.recall - (px.precision + px.recall);
  });
  for (const { t, s } of rows.slice(0, 8)) {
    console.log(`   J>=${t.nearJaccard} | C>=${t.nearContainment} & J>=${t.containmentMinJaccard}:  ${fmt(s)}`);
  }
  const d = DEFAULT_DEDUPE_CONFIG;
  const def = rows.find((r) => r.t.nearJaccard === d.nearJaccard && r.t.nearContainment === d.nearContainment && r.t.containmentMinJaccard === d.containmentMinJaccard);
  console.log(`   defaults (J>=${d.nearJaccard} | C>=${d.nearContainment} & J>=${d.containmentMinJaccard}): ${fmt(def!.s)}`);

  const noSiteRule = score(pairs, sketches.map(([a, b]) => sketchDecision(a, b, d.bands, d, false)));
  console.log(`   defaults without the same-site rule:           ${fmt(noSiteRule)}`);

  const viaIndex = await indexDecisions(handle.redis, pairs, DEFAULT_DEDUPE_CONFIG);
  const idx = score(pairs, viaIndex);
  console.log(`Redis index (Lua), defaults:                      ${fmt(idx)}`);
  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2));
  console.log(`   vs SimHash: precision x${ratio(pr(idx).precision, pr(baseline).precision)}, recall x${ratio(pr(idx).recall, pr(baseline).recall)}`);
  console.log('per kind (Redis index):');
  byKind(viaIndex);
}

async function main(): Promise<void> {
  const handle = await startRedis(values.redis);
  try {
    if (mode === 'quality' || mode === 'all') await quality(handle);
    if (mode === 'scale' || mode === 'all') {
      const config: DedupeConfig = DedupeConfigSchema.parse({ capacity: Number(values.size) });
      await scale(handle, config, Number(values.size), Number(values.sample));
    }
  } finally {
    await handle.stop();
  }
}

await main();
