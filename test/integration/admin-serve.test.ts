// `newsflow serve --admin-port` as operators run it: a child process whose admin server answers until SIGTERM,
// and which refuses to start at all when it would listen beyond loopback without a token.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { dropPrefix, REDIS_URL, testRedis, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('admin-serve');
let redis: Redis;
let configFile: string;
/** The same, with a feeds file that does not load (an id with a space). */
let badFeedsConfigFile: string;

beforeAll(() => {
  redis = testRedis();
  const dir = mkdtempSync(path.join(tmpdir(), 'nf-admin-serve-'));
  const feedsFile = path.join(dir, 'feeds.yaml');
  writeFileSync(feedsFile, YAML.stringify({ feeds: [] }));
  const badFeedsFile = path.join(dir, 'bad-feeds.yaml');
  writeFileSync(badFeedsFile, YAML.stringify({ feeds: [{ id: 'bad id', url: 'https://example.com/feed.xml' }] }));
  const config = { dataDir: dir, feedsFile, redis: { url: REDIS_URL, prefix, autoStart: false }, log: { level: 'info' } };
  configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, YAML.stringify(config));
  badFeedsConfigFile = path.join(dir, 'bad-feeds-config.yaml');
  writeFileSync(badFeedsConfigFile, YAML.stringify({ ...config, feedsFile: badFeedsFile }));
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

function startServe(args: string[], env: Record<string, string> = {}, options: { config?: string; schedule?: boolean } = {}) {
  const cli = ['--config', options.config ?? configFile, 'serve', ...(options.schedule ? [] : ['--no-schedule']), ...args];
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin/newsflow.js'), ...cli], {
    env: { ...process.env, REDIS_URL, NEWSFLOW_CONFIG: '', NEWSFLOW_FEEDS: '', NEWSFLOW_ADMIN_TOKEN: '', NEWSFLOW_ADMIN_HOST: '', NEWSFLOW_ADMIN_PORT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** Resolves with the first JSON log line whose msg is `msg`. */
  const logLine = async (msg: string): Promise<Record<string, unknown>> => {
    for (let i = 0; i < 300; i++) {
      const hit = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((r) => r.msg === msg);
      if (hit) return hit;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no "${msg}" log line; stderr:\n${stderr}`);
  };
  return { child, exited, logLine, stderr: () => stderr };
}

describe('serve --admin-port', () => {
  it('serves health and metrics while running and closes the admin server on SIGTERM', async () => {
    const serve = startServe(['--admin-port', '0']);
    try {
      const url = (await serve.logLine('admin server listening')).url as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await serve.logLine('serving');
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status, await ready.clone().text()).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('newsflow_stage_jobs_total{stage="sink",outcome="completed"} 0');
      expect(metrics).toMatch(/^newsflow_process_resident_memory_bytes \d+/m);

      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      await serve.logLine('shut down');
      await expect(fetch(`${url}/livez`)).rejects.toThrow();
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('refuses to start beyond loopback without a token, before any worker runs', async () => {
    const serve = startServe(['--admin-port', '0'], { NEWSFLOW_ADMIN_HOST: '0.0.0.0' });
    try {
      expect(await serve.exited).toBe(2);
      expect(serve.stderr()).toContain('newsflow: the admin server would listen on 0.0.0.0 without a token');
      expect(serve.stderr()).not.toContain('"msg":"serving"');
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('exits 2 with one line when the feeds file does not load, leaving no worker or endpoint behind', async () => {
    const serve = startServe(['--admin-port', '0'], {}, { config: badFeedsConfigFile, schedule: true });
    try {
      const timeout = new Promise<string>((r) => setTimeout(() => r('still running'), 20_000).unref());
      expect(await Promise.race([serve.exited, timeout]), serve.stderr()).toBe(2);
      expect(serve.stderr()).toMatch(/newsflow: .*bad-feeds\.yaml: feeds\.0\.id/);
      expect(serve.stderr()).not.toContain('"msg":"serving"');
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('takes SIGHUP without schedules to reload as a note, not as the end of the process', async () => {
    const serve = startServe(['--admin-port', '0']);
    try {
      const url = (await serve.logLine('admin server listening')).url as string;
      await serve.logLine('serving');
      serve.child.kill('SIGHUP');
      await serve.logLine('SIGHUP: this process runs no schedules (--no-schedule), nothing to reload');
      expect(serve.child.exitCode).toBeNull();
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
    } finally {
      serve.child.kill('SIGKILL');
    }
  });
});
