// The dedupe index in Redis, shared by every worker; check-and-insert is one Lua script (lua/dedupe-check.ts).
//
// Memory layout (what makes ~200 bytes per article possible): time is cut into generations of
// retentionDays / generations; every key of generation g expires together at the end of g plus the retention.
// Within a generation, entries live as fields of small hashes ("buckets"), which Redis stores as compact
// listpacks, with integer fields and values where possible:
//   P:m:<g>            "exactBits,bandBits,fieldBits": bucket counts of the generation, fixed when it starts, and
//                      the exact keys' field width (without it, 23: generations written before it was 32)
//   P:n:<g>            article counter; an article's number <seq> in g addresses its record
//   P:x:<g>:<bucket>   exact keys (text hash, canonical URL, feed item): field = the low 32 bits of the hash,
//                      value = seq; a key is thus a fingerprint of bucket bits + 32 (a text hit is checked against
//                      the record's shingle count and signature as well)
//   P:b:<g>:<bucket>   MinHash band values: field = 12 bits r of the band hash, value = seq of its first owner;
//                      field -1-r: the latest near duplicate that shared the value (reaches edits of edits)
//   P:r:<g>:<seq/64>   records: field = seq % 64, value = id (8 bytes) + shingle count (2) + flags (1) + site (2)
//                      + 64 × 4-bit MinHash (32)
//   P:v:<g>:<seq/64>   the verdict of a non-unique article, so a redelivered job gets the same answer
//   P:i:<g>:<seq/64>   the id itself, for ids that are not 16 hex digits
//
// Measured (`npx tsx bench/dedupe.ts scale --size 1000000`, private redis-server 7.0 with default settings,
// 1,000,000 synthetic articles over 30 simulated days, 15% copies): 166.7 bytes of Redis memory per article
// (INFO used_memory before/after), every sampled key a listpack hash. Per field, sampled with MEMORY USAGE:
// band ~12 bytes, exact key ~13, record ~49, stored verdict of a copy ~60.
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { siteOf } from '../domain/canonical-url.js';
import { DedupeResultSchema, type DedupeResult } from '../domain/record.js';
import type { DedupeConfig } from '../stages/dedupe/config.js';
import { decodeSketch, SLOTS } from '../stages/dedupe/fingerprint.js';
import { fmix32 } from '../domain/hash32.js';
import type { DedupeIndex, DedupeKeys } from '../stages/dedupe/types.js';
import { DEDUPE_CHECK_LUA } from './lua/dedupe-check.js';

const COMMAND = 'newsflowDedupeCheck';
const DAY_MS = 86_400_000;
const HEX_ID = /^[0-9a-f]{16}$/;
const BAND_SEEDS = Array.from({ length: SLOTS }, (_, i) => [fmix32(0x51ed270b ^ i), fmix32(0x2545f491 + i)] as const);

type CheckCommand = (key: string, ...args: (string | number | Buffer)[]) => Promise<string[]>;

export interface DedupeIndexOptions {
  /** Clock in ms (tests and benchmarks simulate days passing). */
  now?: () => number;
  /** Judge articles against the index without adding them (a replay that must leave the live index as it is). */
  readOnly?: boolean;
}

/** Wraps the prefix in a hash tag unless it has one, so all of an article's keys share one Redis Cluster slot. */
export function taggedPrefix(keyPrefix: string): string {
  return /\{[^}]+\}/.test(keyPrefix) ? keyPrefix : `{${keyPrefix}}`;
}

/** The two 32-bit halves (bucket part, field part) of a string's sha256, salted by kind. */
function exactPair(kind: string, value: string | null): [string, string] {
  if (value === null || value === '') return ['', ''];
  const d = createHash('sha256').update(kind).update('\0').update(value).digest();
  return [String(d.readUInt32BE(0)), String(d.readUInt32BE(4))];
}

function textPair(textHash: string): [string, string] {
  if (/^[0-9a-f]{16,}$/i.test(textHash)) return [String(parseInt(textHash.slice(0, 8), 16)), String(parseInt(textHash.slice(8, 16), 16))];
  return exactPair('t', textHash);
}

/**
 * 16 bits naming the site an article was published on (0 when unknown): the host without "www.", or for WeChat
 * the account (__biz), since all WeChat accounts share one host and reposts between accounts are copies.
 * 65,535 values: two unrelated sites share one with probability 1/65,535, and then only face the stricter rule.
 */
export function siteHash(canonicalUrl: string): number {
  let url: URL;
  try {
    url = new URL(canonicalUrl);
  } catch {
    return 0;
  }
  const host = siteOf(url.hostname.toLowerCase());
  // An address or localhost names a server, not a publication (test and mirror servers host many sources).
  if (host === 'localhost' || isIP(host.replace(/^\[|\]$/g, '')) !== 0) return 0;
  const site = host === 'mp.weixin.qq.com' ? url.searchParams.get('__biz') : host;
  if (!site) return 0;
  return (createHash('sha256').update(site).digest().readUInt16BE(0) % 65535) + 1;
}

export function checkArgs(keys: DedupeKeys, config: DedupeConfig, nowMs: number, readOnly = false): (string | number | Buffer)[] {
  const genMs = (config.retentionDays * DAY_MS) / config.generations;
  const hexId = HEX_ID.test(keys.id);
  const idBin = hexId ? Buffer.from(keys.id, 'hex') : createHash('sha256').update(keys.id).digest().subarray(0, 8);
  const sketch = keys.fingerprint === null ? null : decodeSketch(keys.fingerprint);
  const sig = Buffer.alloc(SLOTS / 2);
  const bands: string[] = [];
  if (sketch !== null) {
    for (let i = 0; i < SLOTS; i += 2) sig[i / 2] = ((sketch.mins[i]! & 15) << 4) | (sketch.mins[i + 1]! & 15);
    for (let i = 0; i < config.bands; i++) {
      const seeds = BAND_SEEDS[i]!;
      bands.push(String(fmix32((sketch.mins[i]! ^ seeds[0]) >>> 0)), String(fmix32((sketch.mins[i]! ^ seeds[1]) >>> 0)));
    }
  }
  return [
    nowMs,
    genMs,
    config.generations,
    config.retentionDays * DAY_MS,
    Math.ceil(config.capacity / config.generations),
    config.nearJaccard,
    config.nearContainment,
    config.containmentMinJaccard,
    config.minShingles,
    config.maxCandidates,
    keys.id,
    idBin,
    hexId ? '' : keys.id,
    sketch?.size ?? 0,
    sig,
    siteHash(keys.canonicalUrl),
    config.sameSiteJaccard,
    readOnly ? '1' : '0',
    ...textPair(keys.textHash),
    ...exactPair('u', keys.canonicalUrl),
    ...exactPair('i', keys.feedItemKey),
    bands.length / 2,
    ...bands,
  ];
}

export function createRedisDedupeIndex(redis: Redis, keyPrefix: string, config: DedupeConfig, options: DedupeIndexOptions = {}): DedupeIndex {
  const prefix = taggedPrefix(keyPrefix);
  const now = options.now ?? Date.now;
  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: DEDUPE_CHECK_LUA });
  const check = (redis as unknown as Record<string, CheckCommand>)[COMMAND]!.bind(redis);
  return {
    async checkAndInsert(keys: DedupeKeys): Promise<DedupeResult> {
      const [status, duplicateOf, clusterId, similarity, reason, updateOf] = await check(prefix, ...checkArgs(keys, config, now(), options.readOnly));
      return DedupeResultSchema.parse({
        status,
        duplicateOf: duplicateOf || null,
        clusterId,
        similarity: similarity ? Number(similarity) : null,
        reason: reason || null,
        updateOf: updateOf || null,
      });
    },
  };
}
