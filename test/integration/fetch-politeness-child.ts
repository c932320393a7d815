// A worker process for the politeness test: fetches the given URLs as the stages do (politeGet, Redis-backed), each
// request tagged with this process's id, and prints how many it completed.
import { Redis } from 'ioredis';
import { createFetchDeps } from '../../src/infra/fetch-state.js';
import { politeGet } from '../../src/stages/fetch/polite-get.js';
import { MemoryRawStore, testConfig } from './fetch-support.js';

const [prefix, delayMs, ...urls] = process.argv.slice(2);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const deps = createFetchDeps(redis, prefix!, testConfig({ allowHosts: ['127.0.0.1', 'localhost'], politeness: { minDelayMs: Number(delayMs) } }), new MemoryRawStore());
let done = 0;
// Several requests at once inside one process too: politeness must hold within and across processes.
await Promise.all(
  urls.map(async (url) => {
    await politeGet(deps, url, { purpose: 'page', headers: { 'x-worker': String(process.pid) } });
    done++;
  }),
);
await deps.http.close();
redis.disconnect();
process.stdout.write(JSON.stringify({ pid: process.pid, done }));
