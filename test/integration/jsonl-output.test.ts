import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { JsonlOutput, listOutputFiles, readRecords } from '../../src/infra/jsonl-output.js';
import { deleteKeysMatching } from '../../src/infra/redis.js';
import { articleRecord } from '../helpers/record.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('jsonl');
let redis: Redis;

const record = (id: string, fetchedAt?: string) => articleRecord(id, fetchedAt ? { fetchedAt } : {});

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('JsonlOutput', () => {
  it('writes one line per record into the file of its UTC fetch day, and a repeated write is skipped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const out = new JsonlOutput(redis, { dir, root: `{${prefix}}`, fsync: 'always' });
    expect(await out.write(record('a'))).toEqual({ written: true, file: '2025-02-12.jsonl' });
    expect(await out.write(record('a'))).toEqual({ written: false, file: '2025-02-12.jsonl' });
    await out.write(record('b', '2025-02-13T23:59:59.000+00:00'));
    expect(lines(path.join(dir, '2025-02-12.jsonl')).map((l) => JSON.parse(l).id)).toEqual(['a']);
    expect(lines(path.join(dir, '2025-02-13.jsonl')).map((l) => JSON.parse(l).id)).toEqual(['b']);
  });

  it('skips a record written under another day within ledgerDays, however its ledger is kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const root = `{${prefix}}days`;
    const out = new JsonlOutput(redis, { dir, root, fsync: 'never', ledgerDays: 45 });
    expect(await out.write(record('a'))).toMatchObject({ written: true });
    // The same article fetched again two days later (crawl --force, an ingest repeated) is the same record.
    expect(await out.write(record('a', '2025-02-14T09:00:00.000Z'))).toMatchObject({ written: false });
    // Redis lost the ledgers: the first day's files say what was written there, compressed or not.
    writeFileSync(path.join(dir, '2025-02-12.jsonl.gz'), gzipSync(readFileSync(path.join(dir, '2025-02-12.jsonl'))));
    await deleteKeysMatching(redis, `${root}:*`);
    expect(await out.write(record('a', '2025-02-15T09:00:00.000Z'))).toMatchObject({ written: false });
    // Beyond ledgerDays the record is written again, as the option says; another record is written at once.
    expect(await out.write(record('a', '2025-04-10T09:00:00.000Z'))).toMatchObject({ written: true });
    expect(await out.write(record('b', '2025-02-14T09:00:00.000Z'))).toMatchObject({ written: true });
    expect((await readRecords(await listOutputFiles(dir))).map((r) => `${r.id} ${r.fetchedAt.slice(0, 10)}`)).toEqual([
      'a 2025-02-12',
      'b 2025-02-14',
      'a 2025-04-10',
    ]);
  });

  it('concurrent writers of the same records produce each line once and whole', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const writers = [0, 1, 2].map(() => new JsonlOutput(redis, { dir, root: `{${prefix}}c`, fsync: 'never' }));
    const ids = Array.from({ length: 60 }, (_, i) => `r${i}`);
    await Promise.all(writers.flatMap((w) => ids.map((id) => w.write(record(id)))));
    const got = lines(path.join(dir, '2025-02-12.jsonl')).map((l) => JSON.parse(l).id as string);
    expect(got.sort()).toEqual([...ids].sort());
  });

  it('after a crash, cuts a torn last line and records whole lines written but not recorded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const root = `{${prefix}}t`;
    const out = new JsonlOutput(redis, { dir, root, fsync: 'always' });
    await out.write(record('x1'));
    const file = path.join(dir, '2025-02-12.jsonl');
    // A writer died after its line reached the file but before the ledger knew (x2), and another mid-line (x3).
    appendFileSync(file, `${JSON.stringify(record('x2'))}\n`);
    appendFileSync(file, JSON.stringify(record('x3')).slice(0, 40));
    expect(await out.write(record('x2'))).toMatchObject({ written: false });
    expect(await out.write(record('x3'))).toMatchObject({ written: true });
    expect(lines(file).map((l) => JSON.parse(l).id)).toEqual(['x1', 'x2', 'x3']);
  });

  it('rebuilds its ledger from the file when Redis has lost it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const root = `{${prefix}}l`;
    const file = path.join(dir, '2025-02-12.jsonl');
    writeFileSync(file, `${JSON.stringify(record('old1'))}\n${JSON.stringify(record('old2'))}\n`);
    const out = new JsonlOutput(redis, { dir, root, fsync: 'always' });
    expect(await out.write(record('old2'))).toMatchObject({ written: false });
    expect(await out.write(record('new1'))).toMatchObject({ written: true });
    expect(lines(file).map((l) => JSON.parse(l).id)).toEqual(['old1', 'old2', 'new1']);
  });

  it('rebuilds a lost ledger from every file of the day, compressed or not', async () => {
    for (const compressClosed of [false, true]) {
      const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
      const root = `{${prefix}}lost-${compressClosed}`;
      const out = new JsonlOutput(redis, { dir, root, fsync: 'never', maxFileBytes: 1000, compressClosed });
      const ids = Array.from({ length: 8 }, (_, i) => `k${i}`);
      for (const id of ids) await out.write(record(id));
      expect(readdirSync(dir).length).toBeGreaterThan(2);
      await deleteKeysMatching(redis, `${root}*`);
      for (const id of ids) expect(await out.write(record(id))).toMatchObject({ written: false });
      expect(await out.write(record('k8'))).toMatchObject({ written: true });
      const got = (await readRecords(await listOutputFiles(dir))).map((r) => r.id);
      expect(got).toEqual([...ids, 'k8']);
    }
  });

  it('reads on after a short read instead of cutting the lines it did not read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const out = new JsonlOutput(redis, { dir, root: `{${prefix}}short`, fsync: 'never' });
    await out.write(record('y1'));
    const file = path.join(dir, '2025-02-12.jsonl');
    for (const id of ['y2', 'y3', 'y4']) appendFileSync(file, `${JSON.stringify(record(id))}\n`);
    const probe = await open(file, 'r');
    const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const read = proto.read;
    const spy = vi.spyOn(proto, 'read').mockImplementation(function (this: unknown, buf, offset, length, position) {
      return read.call(this, buf, offset, Math.min(length as number, 100), position);
    });
    try {
      expect(await out.write(record('y5'))).toMatchObject({ written: true });
    } finally {
      spy.mockRestore();
    }
    expect(await out.write(record('y3'))).toMatchObject({ written: false });
    expect(lines(file).map((l) => JSON.parse(l).id)).toEqual(['y1', 'y2', 'y3', 'y4', 'y5']);
  });
});

describe('JsonlOutput rotation and compression', () => {
  it('rolls a day over to numbered files at the size limit and gzips closed ones, each record once', async () => {
    const { gunzipSync } = await import('node:zlib');
    const { readdirSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const out = new JsonlOutput(redis, { dir, root: `{${prefix}}r`, fsync: 'never', maxFileBytes: 1500, compressClosed: true });
    const ids = Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    for (const id of ids) await out.write(record(id));
    for (const id of ids) expect(await out.write(record(id))).toMatchObject({ written: false });
    const files = readdirSync(dir).sort();
    expect(files.some((f) => f.endsWith('.jsonl.gz'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
    const all = files.flatMap((f) => {
      const buf = readFileSync(path.join(dir, f));
      return (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split('\n').filter(Boolean);
    });
    expect(all.map((l) => JSON.parse(l).id).sort()).toEqual(ids);
    // A day without writes for a day is closed too; a later write for it starts a new file, never overwriting one.
    expect(await out.compressIdleDays(Date.now() + 2 * 86_400_000)).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(0);
    await out.write(record('late'));
    const after = readdirSync(dir).sort();
    expect(after.filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
    expect(after.filter((f) => f.endsWith('.gz')).length).toBe(files.filter((f) => f.endsWith('.gz')).length + 1);
  });

  it('a plain file left next to its .gz by a compress that died is read once, then removed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-out-'));
    const maxFileBytes = 3 * (JSON.stringify(record('a0')).length + 1);
    const out = new JsonlOutput(redis, { dir, root: `{${prefix}}both`, fsync: 'never', maxFileBytes, compressClosed: true });
    for (const id of ['a0', 'a1', 'a2']) await out.write(record(id));
    // The state a compress leaves when it dies between renaming the .gz into place and unlinking the original.
    const file = path.join(dir, '2025-02-12.jsonl');
    writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
    expect((await readRecords(await listOutputFiles(dir))).map((r) => r.id)).toEqual(['a0', 'a1', 'a2']);
    await out.write(record('b0'));
    expect(readdirSync(dir).sort()).toEqual(['2025-02-12.1.jsonl', '2025-02-12.jsonl.gz']);
    expect((await readRecords(await listOutputFiles(dir))).map((r) => r.id)).toEqual(['a0', 'a1', 'a2', 'b0']);
  });
});
