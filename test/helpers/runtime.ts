// A runtime for integration tests: the real config with its own data dir, its own Redis key prefix and a silent log.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import type { Config, Feed } from '../../src/config/schema.js';
import { createLogger } from '../../src/infra/logger.js';
import { openRuntime, type Runtime } from '../../src/workers/runtime.js';
import { dropPrefix, REDIS_URL, uniquePrefix } from './redis.js';

export interface TestRuntime extends Runtime {
  dataDir: string;
  prefix: string;
  /** Closes the runtime and removes its Redis keys. */
  dispose(): Promise<void>;
}

export async function openTestRuntime(
  name: string,
  options: { feeds?: Feed[] | Array<Partial<Feed> & { id: string; url: string }>; tweak?: (c: Config) => void; redisUrl?: string } = {},
): Promise<TestRuntime> {
  const base = loadConfig({ env: { REDIS_URL: options.redisUrl ?? REDIS_URL } });
  const dataDir = mkdtempSync(path.join(tmpdir(), `newsflow-${name}-`));
  const feedsFile = path.join(dataDir, 'feeds.yaml');
  writeFileSync(feedsFile, YAML.stringify({ feeds: options.feeds ?? [] }));
  const prefix = uniquePrefix(name);
  const config = structuredClone(base.config);
  config.redis.prefix = prefix;
  config.redis.autoStart = false;
  config.fetch.allowHosts = ['127.0.0.1'];
  config.workers.backoffMs = 50;
  config.workers.shutdownGraceMs = 3000;
  options.tweak?.(config);
  const rt = await openRuntime({
    loaded: { ...base, config, paths: { ...base.paths, dataDir, feedsFile } },
    log: createLogger({ level: process.env.NEWSFLOW_TEST_LOG ?? 'silent', pretty: false }),
  });
  return {
    ...rt,
    dataDir,
    prefix,
    dispose: async () => {
      await dropPrefix(rt.redis.client, prefix);
      await rt.close();
    },
  };
}
