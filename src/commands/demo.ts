// `newsflow demo`: crawl the built-in sample sources once through the real queues, print the summary and the output.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig, type LoadOptions } from '../config/load.js';
import { ArticleRecordSchema } from '../domain/record.js';
import { sampleFeeds, startSampleServer } from '../demo/sample-server.js';
import { openRuntime } from '../workers/runtime.js';
import { listOutputFiles, readLines } from '../infra/jsonl-output.js';
import { deleteKeysMatching } from '../infra/redis.js';
import { crawlOnce } from './crawl.js';
import { formatSummary, type RunSummary } from './summary.js';

/** A line that is not JSON is an invalid record, not a crash of the demo. */
function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export interface DemoResult {
  summary: RunSummary;
  files: string[];
  records: number;
  invalid: number;
}

export async function runDemo(options: LoadOptions & { print?: (line: string) => void } = {}): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = loadConfig(options);
  const dataDir = path.join(base.paths.dataDir, 'demo');
  // Each demo starts from nothing: its own data folder and its own Redis key prefix, removed again at the end.
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const server = await startSampleServer();
  const feedsFile = path.join(dataDir, 'feeds.yaml');
  await writeFile(feedsFile, YAML.stringify({ feeds: sampleFeeds(server.baseUrl) }));
  const prefix = `newsflow-demo-${Date.now().toString(36)}`;
  const config = structuredClone(base.config);
  config.redis.prefix = prefix;
  config.fetch.allowHosts = [...config.fetch.allowHosts, '127.0.0.1'];
  // The sample server is local and ours: a short politeness delay keeps the demo quick.
  config.fetch.politeness.minDelayMs = 50;
  const rt = await openRuntime({ loaded: { ...base, config, paths: { ...base.paths, dataDir, feedsFile } } });
  try {
    print(`sample sources at ${server.baseUrl}; crawling ${sampleFeeds(server.baseUrl).length} feeds…`);
    const first = await crawlOnce(rt);
    print(formatSummary(first));
    // Later, one feed has a new item: another account's repost of an article already read.
    server.advance();
    print('a while later, polling again…');
    const summary = await crawlOnce(rt);
    const files = await listOutputFiles(rt.outDir);
    let records = 0;
    let invalid = 0;
    for await (const line of readLines(files)) {
      records += 1;
      if (!ArticleRecordSchema.safeParse(parseJson(line)).success) invalid += 1;
    }
    print(formatSummary(summary));
    for (const f of files) print(`  ${f}`);
    print(`${records} records, ${invalid === 0 ? 'all valid' : `${invalid} INVALID`} against schema/article-record.schema.json`);
    return { summary: { ...summary, counts: addCounts(first.counts, summary.counts) }, files, records, invalid };
  } finally {
    await deleteKeysMatching(rt.redis.client, `{${prefix}}*`).catch(() => {});
    await rt.close();
    await server.close();
  }
}
