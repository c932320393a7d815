import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { crawlOnce } from '../../src/commands/crawl.js';
import { readRecords, replay } from '../../src/commands/replay.js';
import { listOutputFiles } from '../../src/infra/jsonl-output.js';
import { pipelineVersionOf } from '../../src/workers/runtime.js';
import { sampleFeeds, startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';

let server: SampleServer;
let rt: TestRuntime;

beforeAll(async () => {
  server = await startSampleServer();
  rt = await openTestRuntime('replay', { feeds: sampleFeeds(server.baseUrl), tweak: (c) => void (c.fetch.politeness.minDelayMs = 10) });
  await crawlOnce(rt);
  server.advance();
  await crawlOnce(rt);
});
afterAll(async () => {
  await rt?.dispose();
  await server?.close();
});

const log = () => rt.log;

describe('replay', () => {
  it('reproduces the stored day record for record when nothing changed, without fetching', async () => {
    const hitsBefore = [...server.hits.values()].reduce((a, b) => a + b, 0);
    const report = await replay(rt.loaded, { fromStage: 'clean', log: log() });
    expect([...server.hits.values()].reduce((a, b) => a + b, 0)).toBe(hitsBefore);
    expect(report).toMatchObject({ read: 9, processed: 9, changed: 0, unchanged: 9, new: 0, failed: 0 });
    const original = await readRecords(await listOutputFiles(rt.outDir));
    const replayed = await readRecords(await listOutputFiles(report.outDir));
    const byId = (rs: typeof original) => new Map(rs.map((r) => [r.id, r]));
    expect(byId(replayed)).toEqual(byId(original));
    // The repost keeps its verdict: the deployment's duplicate index answers as it did.
    expect(replayed.filter((r) => r.dedupe.status === 'duplicate')).toHaveLength(1);
  });

  it('after a rule change reports exactly the records the new rule fires on', async () => {
    const rulesFile = path.join(rt.dataDir, 'rules.yaml');
    const rules = YAML.parse(readFileSync(path.join(PACKAGE_ROOT, 'config', 'rules.yaml'), 'utf8')) as { rules: unknown[] };
    rules.rules.push({ id: 'urban-flooding', version: 1, query: '内涝 OR flood*' });
    writeFileSync(rulesFile, YAML.stringify(rules));
    const config = structuredClone(rt.loaded.config);
    config.classify.rulesFile = rulesFile;
    const changed = { ...rt.loaded, config };
    expect(pipelineVersionOf(changed)).not.toBe(rt.pipelineVersion);

    const report = await replay(changed, { fromStage: 'classify', log: log() });
    expect(report.read).toBe(9);
    expect(report.failed).toBe(0);
    // The original about urban flooding and its repost; nothing else.
    expect(report.changed).toBe(2);
    expect(report.fields.map((f) => [f.field, f.changed])).toEqual([['rules', 2]]);
    const replayed = await readRecords(await listOutputFiles(report.outDir));
    const fired = replayed.filter((r) => r.rules.some((m) => m.rule === 'urban-flooding'));
    expect(fired.map((r) => r.title).sort()).toEqual(['AI预警系统上线 江城内涝“看得见”', '江城用AI给内涝装上“千里眼”']);
    expect(new Set(replayed.map((r) => r.pipelineVersion))).toEqual(new Set([pipelineVersionOf(changed)]));
  });

  it("judges against the deployment's dedupe index without adding to it", async () => {
    const pattern = `${rt.dedupeRoot}:*`;
    const keys = async () => (await rt.redis.client.keys(pattern)).sort();
    const before = await keys();
    expect(before.length).toBeGreaterThan(0);
    // An article whose index entry expired is judged, and left out of the live index.
    const records = before.filter((k) => /:r:/.test(k));
    await rt.redis.client.del(...records);
    const report = await replay(rt.loaded, { fromStage: 'dedupe', log: log() });
    expect(report).toMatchObject({ read: 9, processed: 9, failed: 0 });
    expect(await keys()).toEqual(before.filter((k) => !records.includes(k)));
  });

  it('a dry run says what it would replay, per day and feed, and runs nothing', async () => {
    const report = await replay(rt.loaded, { fromStage: 'dedupe', dryRun: true, feedId: 'wechat-city-tech' });
    expect(report.read).toBe(4);
    expect(Object.values(report.plan!)).toEqual([4]);
    expect(report.processed).toBe(0);
  });
});
