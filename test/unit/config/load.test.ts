import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadFeeds } from '../../../src/config/load.js';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-config-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('loads the shipped defaults', () => {
    const { config, paths } = loadConfig({ env: {} });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.workers.concurrency.sink).toBe(1);
    expect(path.basename(paths.feedsFile)).toBe('feeds.example.yaml');
  });

  it('lets REDIS_URL and NEWSFLOW_DATA_DIR override the files', () => {
    const { config, paths } = loadConfig({ env: { REDIS_URL: 'redis://10.0.0.9:6380', NEWSFLOW_DATA_DIR: '/srv/nf' } });
    expect(config.redis.url).toBe('redis://10.0.0.9:6380');
    expect(paths.dataDir).toBe('/srv/nf');
  });

  it('merges a user file over the defaults and resolves its paths against its own folder', () => {
    const file = tempFile('my.yaml', 'feedsFile: my-feeds.yaml\nworkers:\n  concurrency:\n    clean: 7\n');
    const { config, paths } = loadConfig({ configPath: file, env: {} });
    expect(config.workers.concurrency.clean).toBe(7);
    expect(config.workers.concurrency.sink).toBe(1);
    expect(paths.feedsFile).toBe(path.join(path.dirname(file), 'my-feeds.yaml'));
  });

  it("resolves a config file's dataDir against its folder, and the default and NEWSFLOW_DATA_DIR against the working directory", () => {
    const file = tempFile('my.yaml', 'dataDir: ./var\n');
    const cwd = mkdtempSync(path.join(tmpdir(), 'newsflow-cwd-'));
    expect(loadConfig({ configPath: file, env: {}, cwd }).paths.dataDir).toBe(path.join(path.dirname(file), 'var'));
    expect(loadConfig({ configPath: file, env: { NEWSFLOW_DATA_DIR: 'elsewhere' }, cwd }).paths.dataDir).toBe(path.join(cwd, 'elsewhere'));
    // A config file that sets no dataDir keeps the default, ./data where the command runs.
    const other = tempFile('other.yaml', 'log:\n  level: warn\n');
    expect(loadConfig({ configPath: other, env: {}, cwd }).paths.dataDir).toBe(path.join(cwd, 'data'));
    expect(loadConfig({ env: {}, cwd }).paths.dataDir).toBe(path.join(cwd, 'data'));
  });

  it('rejects an unknown key naming the file, the key path and the key', () => {
    const file = tempFile('bad.yaml', 'workers:\n  concurrncy: {}\n');
    expect(() => loadConfig({ configPath: file, env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ configPath: file, env: {} })).toThrow(new RegExp(`${file}: workers: .*"concurrncy"`));
  });

  it('says an unknown key once, and a YAML syntax error on one line with its line and column', () => {
    const messageOf = (file: string) => {
      try {
        loadConfig({ configPath: file, env: {} });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    const typo = tempFile('typo.yaml', 'workers:\n  concurrncy: {}\n');
    expect(messageOf(typo)).toBe(`${typo}: workers: Unrecognized key: "concurrncy"`);
    const broken = tempFile('broken.yaml', 'workers:\n  concurrency: [1,\n');
    const message = messageOf(broken);
    expect(message).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: not valid YAML: \\S`));
    expect(message).not.toContain('\n');
  });

  it('rejects a value of the wrong type saying what was expected', () => {
    const file = tempFile('bad.yaml', 'fetch:\n  timeoutMs: soon\n');
    expect(() => loadConfig({ configPath: file, env: {} })).toThrow(/bad\.yaml: fetch\.timeoutMs: .*expected number/);
  });
});

describe('loadFeeds', () => {
  it('rejects duplicate feed ids and non-http URLs', () => {
    const file = tempFile(
      'feeds.yaml',
      'feeds:\n  - id: a\n    url: https://example.org/a.xml\n  - id: a\n    url: ftp://example.org/b.xml\n',
    );
    let message = '';
    try {
      loadFeeds(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/feeds\.1\.id: duplicate feed id "a"/);
    expect(message).toMatch(/feeds\.1\.url/);
  });
});
