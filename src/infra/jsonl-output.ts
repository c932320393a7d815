// Exactly-once JSONL output shared by any number of sink processes on any number of hosts (on a shared volume).
//
// One writer per file at a time, by a lease in Redis. Under the lease a writer: (1) reconciles the file's tail with
// the ledger — bytes past the offset the ledger last recorded were written by a writer that died before recording
// them: a torn last line is cut off, whole lines are recorded as written; (2) skips a record already in the ledger;
// (3) appends the line in one write and fsyncs; (4) records the id and the new offset in one MULTI. A crash anywhere
// leaves either no line, a torn line (cut at the next reconcile), or a whole line that the next reconcile records, so
// a record appears once even when its job is delivered twice or a worker dies between writing and acknowledging.
import { randomBytes } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { ArticleRecord } from '../domain/record.js';
import { retryable } from '../domain/errors.js';
import type { RecordOutput } from '../stages/sink/sink-record.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface JsonlOutputOptions {
  dir: string;
  /** Redis key root, e.g. `{newsflow}`. */
  root: string;
  fsync: 'always' | 'never';
  /** How long ledger entries are kept, in days (a redelivery older than this would be written again). */
  ledgerDays?: number;
  lockMs?: number;
  /** Name of the file a record goes to; by default the UTC day of fetchedAt. */
  fileFor?: (record: ArticleRecord) => string;
}

export const recordKey = (r: Pick<ArticleRecord, 'id' | 'pipelineVersion'>) => `${r.id}@${r.pipelineVersion}`;

export class JsonlOutput implements RecordOutput {
  private readonly ledgerTtl: number;
  private readonly lockMs: number;
  private readonly pending = new Map<string, Array<{ record: ArticleRecord; resolve: (written: boolean) => void; reject: (err: unknown) => void }>>();
  private readonly flushing = new Map<string, Promise<void>>();

  constructor(
    private readonly redis: Redis,
    private readonly options: JsonlOutputOptions,
  ) {
    this.ledgerTtl = Math.round((options.ledgerDays ?? 45) * 86400);
    this.lockMs = options.lockMs ?? 30_000;
  }

  fileFor(record: ArticleRecord): string {
    return this.options.fileFor?.(record) ?? `${record.fetchedAt.slice(0, 10)}.jsonl`;
  }

  private keys(file: string) {
    const base = `${this.options.root}:sink:${path.basename(this.options.dir)}:${file}`;
    return { lock: `${base}:lock`, ledger: `${base}:ids`, offset: `${base}:offset` };
  }

  async write(record: ArticleRecord): Promise<{ written: boolean; file: string }> {
    const file = this.fileFor(record);
    if (await this.redis.sismember(this.keys(file).ledger, recordKey(record))) return { written: false, file };
    return new Promise((resolve, reject) => {
      const batch = this.pending.get(file) ?? [];
      batch.push({ record, resolve: (written) => resolve({ written, file }), reject });
      this.pending.set(file, batch);
      if (!this.flushing.has(file)) this.flushing.set(file, this.flushLoop(file));
    });
  }

  /** Group commit: records waiting for one file go out under one lease, in one append and one fsync. */
  private async flushLoop(file: string): Promise<void> {
    try {
      for (let batch = this.pending.get(file); batch?.length; batch = this.pending.get(file)) {
        this.pending.delete(file);
        try {
          const written = await this.appendBatch(file, batch.map((b) => b.record));
          batch.forEach((b, i) => b.resolve(written[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing.delete(file);
    }
  }

  private async appendBatch(file: string, records: ArticleRecord[]): Promise<boolean[]> {
    const keys = this.keys(file);
    return this.withLease(keys.lock, async () => {
      await mkdir(this.options.dir, { recursive: true });
      const fh = await open(path.join(this.options.dir, file), 'a+');
      try {
        const offset = await this.reconcile(fh, keys);
        const ids = records.map(recordKey);
        const known = await this.redis.smismember(keys.ledger, ...ids);
        const fresh = new Set<string>();
        const written = ids.map((id, i) => {
          if (known[i] || fresh.has(id)) return false;
          fresh.add(id);
          return true;
        });
        if (fresh.size === 0) return written;
        const text = records.filter((_, i) => written[i]).map((r) => `${JSON.stringify(r)}\n`).join('');
        await fh.appendFile(text);
        if (this.options.fsync === 'always') await fh.sync();
        const end = offset + Buffer.byteLength(text);
        await this.redis
          .multi()
          .sadd(keys.ledger, ...fresh)
          .set(keys.offset, end)
          .expire(keys.ledger, this.ledgerTtl)
          .expire(keys.offset, this.ledgerTtl)
          .exec();
        return written;
      } finally {
        await fh.close();
      }
    });
  }

  /** Brings the ledger up to date with the file; returns the file's (repaired) length. */
  private async reconcile(fh: FileHandle, keys: { ledger: string; offset: string }): Promise<number> {
    const size = (await fh.stat()).size;
    const recorded = Number((await this.redis.get(keys.offset)) ?? 0);
    if (recorded === size) return size;
    // The ledger is behind (a writer died, or Redis lost its last writes) or ahead (the file was replaced): read from
    // the last offset we can trust, which is the recorded one when it is within the file.
    const from = recorded <= size ? recorded : 0;
    const buf = Buffer.alloc(size - from);
    await fh.read(buf, 0, buf.length, from);
    const lastNl = buf.lastIndexOf(0x0a);
    const whole = lastNl + 1;
    if (whole < buf.length) {
      // A torn last line: the write never completed, so its record was never acknowledged; cut it off.
      await fh.truncate(from + whole);
      if (this.options.fsync === 'always') await fh.sync();
    }
    const ids: string[] = [];
    for (const text of buf.subarray(0, whole).toString('utf8').split('\n')) {
      if (!text) continue;
      try {
        ids.push(recordKey(JSON.parse(text) as ArticleRecord));
      } catch {
        // A corrupt whole line cannot be attributed; it stays for a human to see but counts for no record.
      }
    }
    const m = this.redis.multi();
    if (ids.length) m.sadd(keys.ledger, ...ids).expire(keys.ledger, this.ledgerTtl);
    await m.set(keys.offset, from + whole).expire(keys.offset, this.ledgerTtl).exec();
    return from + whole;
  }

  private async withLease<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const token = randomBytes(12).toString('hex');
    const deadline = Date.now() + this.lockMs * 2;
    let wait = 2;
    while ((await this.redis.set(key, token, 'PX', this.lockMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw retryable('sink-busy', `output file lease ${key} not acquired in time`);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 25);
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }
}
