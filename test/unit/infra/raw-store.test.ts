import { existsSync, mkdtempSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirRawStore, pruneStore } from '../../../src/infra/raw-store.js';

const DAY = 86_400_000;
const manifest = (fetchedAt: string) => ({ url: 'https://e.org/a', finalUrl: 'https://e.org/a', status: 200, headers: {}, fetchedAt, feedId: 'f', kind: 'article' as const });

describe('DirRawStore', () => {
  it('stores each payload once by sha256, gzip-compressed, and gives the bytes back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-raw-'));
    const store = new DirRawStore(dir);
    const body = Buffer.from('<p>same bytes</p>'.repeat(100));
    const a = await store.put(body, manifest('2025-02-12T01:00:00Z'));
    const b = await store.put(body, manifest('2025-02-13T01:00:00Z'));
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.get(a)).equals(body)).toBe(true);
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ kind: 'permanent', code: 'raw-missing' });
  });
});

describe('pruneStore', () => {
  it('deletes payloads not fetched within the retention and day files older than it; keeps the rest', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-raw-'));
    const store = new DirRawStore(path.join(dir, 'raw'));
    const now = Date.parse('2025-06-01T00:00:00Z');
    const old = await store.put(Buffer.from('old page'), manifest('2025-01-01T00:00:00Z'));
    const fresh = await store.put(Buffer.from('fresh page'), manifest('2025-05-30T00:00:00Z'));
    utimesSync(store.objectPath(old), new Date(now - 100 * DAY), new Date(now - 100 * DAY));
    utimesSync(store.objectPath(fresh), new Date(now - 2 * DAY), new Date(now - 2 * DAY));
    mkdirSync(path.join(dir, 'journal', 'clean'), { recursive: true });
    writeFileSync(path.join(dir, 'journal', 'clean', '2025-01-01.host-1.jsonl'), '{}\n');
    writeFileSync(path.join(dir, 'journal', 'clean', '2025-05-30.host-1.jsonl'), '{}\n');

    const dry = await pruneStore(dir, { days: 30, maxBytes: null, now, dryRun: true });
    expect(dry).toMatchObject({ objects: 1, files: 2 }); // the old object, its manifest day and its journal day
    expect(existsSync(store.objectPath(old))).toBe(true);

    const r = await pruneStore(dir, { days: 30, maxBytes: null, now });
    expect(r).toMatchObject({ objects: 1, files: 2 });
    expect(existsSync(store.objectPath(old))).toBe(false);
    expect(existsSync(store.objectPath(fresh))).toBe(true);
    expect(existsSync(path.join(dir, 'journal', 'clean', '2025-05-30.host-1.jsonl'))).toBe(true);
  });

  it('deletes the oldest payloads until the store fits its byte budget', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-raw-'));
    const store = new DirRawStore(path.join(dir, 'raw'));
    const now = Date.now();
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const ref = await store.put(Buffer.from(`page ${i} `.repeat(50) + Math.random()), manifest(new Date(now).toISOString()));
      utimesSync(store.objectPath(ref), new Date(now - (5 - i) * 1000), new Date(now - (5 - i) * 1000));
      refs.push(ref);
    }
    const { statSync } = await import('node:fs');
    const sizes = refs.map((r) => statSync(store.objectPath(r)).size);
    const budget = sizes[3]! + sizes[4]!;
    const r = await pruneStore(dir, { days: 30, maxBytes: budget, now });
    expect(r.objects).toBe(3);
    expect(refs.map((ref) => existsSync(store.objectPath(ref)))).toEqual([false, false, false, true, true]);
  });
});
