// One worker process of the race test: connects, waits for the go signal, runs the dedupe stage on one article
// against the shared Redis index and prints the verdict as JSON.
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { Redis } from 'ioredis';
import { createRedisDedupeIndex } from '../../src/infra/dedupe-index.js';
import type { ClassifiedArticle } from '../../src/domain/record.js';
import { SinkPayloadSchema } from '../../src/jobs/payloads.js';
import { DEFAULT_DEDUPE_CONFIG } from '../../src/stages/dedupe/config.js';
import { dedupeArticle } from '../../src/stages/dedupe/dedupe-article.js';
import { REDIS_URL } from './dedupe-helpers.js';

const [prefix, articleFile, goKey] = process.argv.slice(2) as [string, string, string];
const article = JSON.parse(readFileSync(articleFile, 'utf8')) as ClassifiedArticle;
const redis = new Redis(REDIS_URL);
const blocking = new Redis(REDIS_URL);
const index = createRedisDedupeIndex(redis, prefix, DEFAULT_DEDUPE_CONFIG);
await redis.rpush(`${goKey}:ready`, String(process.pid));
await blocking.blpop(goKey, 20);
const ctx = { log: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => new Date(), count: () => {} };
const result = await dedupeArticle({ runId: 'race', article }, ctx, { index, pipelineVersion: 'test' });
const record = 'emit' in result ? SinkPayloadSchema.parse(result.emit[0]!.payload).record : null;
process.stdout.write(JSON.stringify(record?.dedupe ?? null));
redis.disconnect();
blocking.disconnect();
