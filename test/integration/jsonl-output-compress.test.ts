// Compressing a day's file while another sink process writes to that day. The gzip is held open by a mocked
// createGzip until a hook has run, so the other writer's record lands while the gzip is under way. A hook that
// throws is a gzip that fails (a full disk); folder fsyncs are counted through a wrapped open().
import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { JsonlOutput, listOutputFiles, readRecords } from '../../src/infra/jsonl-output.js';
import { articleRecord } from '../helpers/record.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const hooks = vi.hoisted(() => ({ duringGzip: null as null | (() => Promise<void>), folderSyncs: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fsp,
    open: async (...args: Parameters<typeof fsp.open>) => {
      const fh = await fsp.open(...args);
      if ((await fh.stat()).isDirectory()) {
        const sync = fh.sync.bind(fh);
        fh.sync = () => sync().then(() => void hooks.folderSyncs.push(String(args[0])));
      }
      return fh;
    },
  };
});

vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  return {
    ...zlib,
    createGzip: () => {
      const hook = hooks.duringGzip;
      if (!hook) return zlib.createGzip();
      hooks.duringGzip = null;
      const chunks: Buffer[] = [];
      return new Transform({
        transform(chunk: Buffer, _enc, cb) {
          chunks.push(chunk);
          cb();
        },
        flush(cb) {
          hook().then(() => cb(null, zlib.gzipSync(Buffer.concat(chunks))), cb);
        },
      });
    },
  };
});

const prefix = uniquePrefix('jsonl-gz');
let redis: Redis;

const record = (id: string) => articleRecord(id);

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('JsonlOutput compression with a concurrent writer', () => {
  it('a record another process appends to an idle day while its file is gzipped is kept, the file compressed later', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    // A short lease: a compress that held it through the gzip would lose it to the other writer.
    const opts = { dir, root: `{${prefix}}`, fsync: 'never' as const, compressClosed: true, leaseMs: 200 };
    const a = new JsonlOutput(redis, opts);
    const b = new JsonlOutput(redis, opts);
    const ids = Array.from({ length: 10 }, (_, i) => `r${i}`);
    for (const id of ids) await a.write(record(id));
    const file = path.join(dir, '2025-02-12.jsonl');
    const old = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(file, old, old);
    let late: { written: boolean } | undefined;
    hooks.duringGzip = async () => {
      late = await b.write(record('late'));
    };
    await a.compressIdleDays();
    expect(late).toMatchObject({ written: true });
    expect((await readRecords(await listOutputFiles(dir))).map((r) => r.id)).toEqual([...ids, 'late']);
    expect(await a.compressIdleDays(Date.now() + 2 * 86_400_000)).toEqual(['2025-02-12.jsonl']);
    expect(readdirSync(dir)).toEqual(['2025-02-12.jsonl.gz']);
    expect((await readRecords(await listOutputFiles(dir))).map((r) => r.id)).toEqual([...ids, 'late']);
    expect(await b.write(record('late'))).toMatchObject({ written: false });
  });

  it('reports a compress that fails, keeps the file and its records, and leaves no temp file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const warnings: Array<{ obj: unknown; msg: string }> = [];
    const log = { warn: (obj: unknown, msg: string) => void warnings.push({ obj, msg }) };
    const out = new JsonlOutput(redis, { dir, root: `{${prefix}}fail`, fsync: 'never', compressClosed: true, maxFileBytes: 1000, log: log as never });
    hooks.duringGzip = async () => {
      throw new Error('ENOSPC: no space left on device');
    };
    // Records of 517 bytes: the third goes to a new file, and the first file, closed, is compressed.
    const ids = ['f0', 'f1', 'f2'];
    for (const id of ids) expect(await out.write(record(id))).toMatchObject({ written: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/compressing closed output files failed/);
    expect(warnings[0]!.obj).toMatchObject({ files: ['2025-02-12.jsonl'], err: { message: expect.stringMatching(/no space left/) } });
    expect(readdirSync(dir).sort()).toEqual(['2025-02-12.1.jsonl', '2025-02-12.jsonl']);
    expect((await readRecords(await listOutputFiles(dir))).map((r) => r.id)).toEqual(ids);
    // The next batch tries again.
    await out.write(record('f3'));
    expect(readdirSync(dir).sort()).toEqual(['2025-02-12.1.jsonl', '2025-02-12.jsonl.gz']);
    expect((await readRecords(await listOutputFiles(dir))).map((r) => r.id)).toEqual([...ids, 'f3']);
    expect(warnings).toHaveLength(1);
  });
});

describe('JsonlOutput durability of file names', () => {
  it('fsyncs the folder when a file is created or compressed in it, under fsync "always"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const out = new JsonlOutput(redis, { dir, root: `{${prefix}}durable`, fsync: 'always', compressClosed: true, maxFileBytes: 1000 });
    hooks.folderSyncs.length = 0;
    await out.write(record('d0'));
    expect(hooks.folderSyncs).toEqual([dir]);
    await out.write(record('d1'));
    expect(hooks.folderSyncs).toEqual([dir]);
    // Records of 517 bytes: the third creates the next file (a sync) and the closed one is compressed (another).
    await out.write(record('d2'));
    expect(readdirSync(dir).sort()).toEqual(['2025-02-12.1.jsonl', '2025-02-12.jsonl.gz']);
    expect(hooks.folderSyncs).toEqual([dir, dir, dir]);
  });
});
