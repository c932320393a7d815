// Exactly-once JSONL output shared by any number of sink processes on any number of hosts (on a shared volume).
//
// Records are grouped by day (`YYYY-MM-DD`); a day is one file, `YYYY-MM-DD.jsonl`, rolling over to
// `YYYY-MM-DD.1.jsonl`, `.2.jsonl`, … at a size limit. One writer per day at a time, by a lease in Redis. Under the
// lease a writer: (1) reconciles the current file's tail with the ledger — bytes past the offset the ledger last
// recorded were written by a writer that died before recording them: a torn last line is cut off, whole lines are
// recorded as written; (2) skips records already in the ledger, or in another day's within ledgerDays (the same
// article fetched again later); (3) appends the batch in one write and fsyncs; (4) records the ids and the new
// offset in one MULTI. A crash anywhere leaves no line, a torn line (cut at the next reconcile) or a whole line that
// the next reconcile records, so a record appears once even when its job is delivered twice or a worker dies between
// writing and acknowledging. The files, not Redis, are the truth: a Redis that lost its data rebuilds a day's ledger
// from that day's files.
import { createHash, randomBytes } from 'node:crypto';
import { withLease, type Lease } from './lease.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { ArticleRecord } from '../domain/record.js';
import { retryable } from '../domain/errors.js';
import type { RecordOutput } from '../stages/sink/sink-record.js';

const SEGMENT = /^(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.jsonl(\.gz)?$/;
const DAY_MS = 86_400_000;

export interface JsonlOutputOptions {
  dir: string;
  /** Redis key root, e.g. `{newsflow}`. */
  root: string;
  fsync: 'always' | 'never';
  maxFileBytes?: number;
  compressClosed?: boolean;
  leaseMs?: number;
  /** How long ledger entries are kept, in days (a redelivery older than this would be written again). */
  ledgerDays?: number;
  /** Where a failed compress is reported; the records are safe and the compress is tried again later. */
  log?: Pick<Logger, 'warn'>;
}

export const recordKey = (r: Pick<ArticleRecord, 'id' | 'pipelineVersion'>) => `${r.id}@${r.pipelineVersion}`;

/** The day group of a record: the UTC day of fetchedAt. */
export const dayOf = (record: Pick<ArticleRecord, 'fetchedAt'>) => new Date(record.fetchedAt).toISOString().slice(0, 10);

export const segmentName = (day: string, n: number) => (n === 0 ? `${day}.jsonl` : `${day}.${n}.jsonl`);

/** Makes a folder's entries (a created, renamed or removed file) durable, as fsync does a file's bytes. */
async function syncFolder(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const removed = (file: string) =>
  unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });

interface Pending {
  record: ArticleRecord;
  resolve: (file: string | null) => void;
  reject: (err: unknown) => void;
}

export class JsonlOutput implements RecordOutput {
  private readonly ledgerTtl: number;
  private readonly leaseMs: number;
  private readonly maxFileBytes: number;
  private readonly pending = new Map<string, Pending[]>();
  private readonly flushing = new Map<string, Promise<void>>();
  private lastSweep = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: JsonlOutputOptions,
  ) {
    this.ledgerTtl = Math.round((options.ledgerDays ?? 45) * 86400);
    this.leaseMs = options.leaseMs ?? 10_000;
    this.maxFileBytes = options.maxFileBytes ?? 256 * 1024 * 1024;
  }

  private keys(day: string) {
    // Keyed by the output folder's absolute path: another folder is another output (hosts mount the data volume at
    // the same path).
    const folder = createHash('sha1').update(path.resolve(this.options.dir)).digest('hex').slice(0, 12);
    const base = `${this.options.root}:sink:${folder}:${day}`;
    return {
      lease: `${base}:lease`,
      compressing: `${base}:compressing`,
      ledger: `${base}:ids`,
      offset: (n: number) => `${base}:offset:${n}`,
    };
  }

  async write(record: ArticleRecord): Promise<{ written: boolean; file: string }> {
    const day = dayOf(record);
    if (await this.redis.sismember(this.keys(day).ledger, recordKey(record))) return { written: false, file: segmentName(day, 0) };
    const file = await new Promise<string | null>((resolve, reject) => {
      const batch = this.pending.get(day) ?? [];
      batch.push({ record, resolve, reject });
      this.pending.set(day, batch);
      if (!this.flushing.has(day)) this.flushing.set(day, this.flushLoop(day));
    });
    return { written: file !== null, file: file ?? segmentName(day, 0) };
  }

  /** Group commit: records waiting for one day go out under one lease, in one append and one fsync. */
  private async flushLoop(day: string): Promise<void> {
    try {
      for (let batch = this.pending.get(day); batch?.length; batch = this.pending.get(day)) {
        this.pending.delete(day);
        try {
          const { files, closed } = await this.appendBatch(day, batch.map((b) => b.record));
          // The records are safe; a failed compress is retried by a later batch. Done before answering, so a caller
          // that has its answer finds the folder settled.
          if (this.options.compressClosed) await this.compressFiles(day, closed).catch((err: unknown) => this.compressFailed(err, closed));
          batch.forEach((b, i) => b.resolve(files[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing.delete(day);
    }
    if (this.options.compressClosed && Date.now() - this.lastSweep > 10 * 60_000) {
      this.lastSweep = Date.now();
      await this.compressIdleDays().catch((err: unknown) => this.compressFailed(err, []));
    }
  }

  /**
   * A day's segments on disk, ascending; a compressed one is closed for good and its number is never reused. Under the
   * day's lease only: a plain file next to its .gz, left by a compress that died between renaming the .gz into place
   * and unlinking the original, is removed (a .gz is renamed into place only when complete).
   */
  private async segmentsOf(day: string, names: string[]): Promise<Array<{ n: number; compressed: boolean }>> {
    const segments = segmentsIn(names).get(day) ?? [];
    for (const { n, compressed } of segments) {
      if (compressed && names.includes(segmentName(day, n))) await removed(path.join(this.options.dir, segmentName(day, n)));
    }
    return segments;
  }

  /**
   * Which of the ids were written under another day: the ledgers of the folder's other days within `ledgerDays` of
   * this one (an article fetched again on a later day, a replay into this folder). A ledger Redis lost is rebuilt from
   * its day's files first. Each day has its own lease, so this is not atomic across days: two copies of one record
   * written under two days in the same instant could both land; a copy that comes after the first is written is not.
   */
  private async writtenOnOtherDays(day: string, ids: string[], names: string[]): Promise<boolean[]> {
    // The ledgers' own lifetime: a day further off than that has forgotten its records anyway.
    const windowMs = this.ledgerTtl * 1000;
    const at = Date.parse(day);
    const days = [...segmentsIn(names)].filter(([d]) => d !== day && Math.abs(Date.parse(d) - at) <= windowMs);
    const out = ids.map(() => false);
    if (!days.length) return out;
    const present = await Promise.all(days.map(([d]) => this.redis.exists(this.keys(d).ledger)));
    for (const [i, [d, segments]] of days.entries()) if (!present[i]) await this.rebuildLedger(d, segments);
    const m = this.redis.multi();
    for (const [d] of days) m.smismember(this.keys(d).ledger, ...ids);
    for (const [err, known] of (await m.exec()) ?? []) {
      if (err) throw err;
      for (const [i, k] of (known as number[]).entries()) if (k) out[i] = true;
    }
    return out;
  }

  /** The output folder's file names (none while it does not exist). */
  private folderNames(): Promise<string[]> {
    return readdir(this.options.dir).catch(() => [] as string[]);
  }

  private compressFailed(err: unknown, files: string[]): void {
    this.options.log?.warn({ err, dir: this.options.dir, files }, 'compressing closed output files failed; will try again');
  }

  /** Appends a batch; returns each record's file (null: already written) and the day's closed, uncompressed files. */
  private async appendBatch(day: string, records: ArticleRecord[]): Promise<{ files: Array<string | null>; closed: string[] }> {
    const keys = this.keys(day);
    return this.withLease(keys.lease, async (lease) => {
      await mkdir(this.options.dir, { recursive: true });
      // Read once per batch: this day's segments, and the other days whose ledgers a new record is looked up in.
      const names = await this.folderNames();
      const segments = await this.segmentsOf(day, names);
      const last = segments.at(-1);
      let n = !last ? 0 : last.compressed ? last.n + 1 : last.n;
      // Without its ledger (Redis lost it) a day's records would be written again into the current file.
      const rebuild = !(await this.redis.exists(keys.ledger));
      let fh = await open(path.join(this.options.dir, segmentName(day, n)), 'a+');
      try {
        let offset = await this.reconcile(fh, keys.ledger, keys.offset(n));
        if (rebuild) await this.rebuildLedger(day, segments);
        if (offset >= this.maxFileBytes) {
          await fh.close();
          n += 1;
          fh = await open(path.join(this.options.dir, segmentName(day, n)), 'a+');
          offset = await this.reconcile(fh, keys.ledger, keys.offset(n));
        }
        // Segments below the current one are closed (one may be left uncompressed by a writer that died).
        const closed = segments.filter((s) => s.n < n && !s.compressed).map((s) => segmentName(day, s.n));
        const ids = records.map(recordKey);
        const known = await this.redis.smismember(keys.ledger, ...ids);
        const unknown = ids.filter((_, i) => !known[i]);
        if (unknown.length) {
          const elsewhere = await this.writtenOnOtherDays(day, unknown, names);
          const written = new Set(unknown.filter((_, i) => elsewhere[i]));
          for (const [i, id] of ids.entries()) if (written.has(id)) known[i] = 1;
        }
        const fresh = new Set<string>();
        const file = segmentName(day, n);
        const result = ids.map((id, i) => {
          if (known[i] || fresh.has(id)) return null;
          fresh.add(id);
          return file;
        });
        if (fresh.size === 0) return { files: result, closed };
        const text = records.filter((_, i) => result[i] !== null).map((r) => `${JSON.stringify(r)}\n`).join('');
        // A writer that stalled past its lease must not append: the file may be being replaced by its .gz.
        if (!(await lease.held())) throw retryable('sink-busy', `output lease ${keys.lease} lost`);
        await fh.appendFile(text);
        if (this.options.fsync === 'always') {
          await fh.sync();
          // A new file's bytes are durable only with its name: a crash could otherwise lose a file the ledger counts.
          if (offset === 0) await syncFolder(this.options.dir);
        }
        await this.redis
          .multi()
          .sadd(keys.ledger, ...fresh)
          .set(keys.offset(n), offset + Buffer.byteLength(text))
          .expire(keys.ledger, this.ledgerTtl)
          .expire(keys.offset(n), this.ledgerTtl)
          .exec();
        return { files: result, closed };
      } finally {
        await fh.close();
      }
    });
  }

  /** Brings the ledger up to date with the file; returns the file's (repaired) length. */
  private async reconcile(fh: FileHandle, ledger: string, offsetKey: string): Promise<number> {
    const size = (await fh.stat()).size;
    const recorded = Number((await this.redis.get(offsetKey)) ?? 0);
    if (recorded === size) return size;
    // The ledger is behind (a writer died, or Redis lost its last writes) or ahead (the file was replaced): read from
    // the last offset we can trust, which is the recorded one when it is within the file.
    const from = recorded <= size ? recorded : 0;
    const buf = Buffer.alloc(size - from);
    // A read may return fewer bytes than asked for: read on, or the lines past a short read would be cut as torn.
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const read = buf.subarray(0, got);
    const whole = read.lastIndexOf(0x0a) + 1;
    if (whole < read.length) {
      // A torn last line: its write never completed, so its record was never acknowledged; cut it off.
      await fh.truncate(from + whole);
      if (this.options.fsync === 'always') await fh.sync();
    }
    const ids: string[] = [];
    for (const text of read.subarray(0, whole).toString('utf8').split('\n')) {
      if (!text) continue;
      try {
        ids.push(recordKey(JSON.parse(text) as ArticleRecord));
      } catch {
        // A corrupt whole line cannot be attributed; it stays for a human to see but counts for no record.
      }
    }
    const m = this.redis.multi();
    if (ids.length) m.sadd(ledger, ...ids).expire(ledger, this.ledgerTtl);
    await m.set(offsetKey, from + whole).expire(offsetKey, this.ledgerTtl).exec();
    return from + whole;
  }

  /** Rebuilds a day's ledger from all its files (their tails reconciled), in one MULTI so a crash leaves no part. */
  private async rebuildLedger(day: string, segments: Array<{ n: number; compressed: boolean }>): Promise<void> {
    const files = segments.map((s) => path.join(this.options.dir, `${segmentName(day, s.n)}${s.compressed ? '.gz' : ''}`));
    const ids: string[] = [];
    for await (const line of readLines(files)) {
      try {
        ids.push(recordKey(JSON.parse(line) as ArticleRecord));
      } catch {
        // no record, as in reconcile
      }
    }
    const { ledger } = this.keys(day);
    const m = this.redis.multi();
    // '' is no record's key: it keeps the ledger of a day whose files hold no record from being rebuilt again.
    m.sadd(ledger, '');
    for (let i = 0; i < ids.length; i += 10_000) m.sadd(ledger, ...ids.slice(i, i + 10_000));
    await m.expire(ledger, this.ledgerTtl).exec();
  }

  /** Compresses closed files of a day, one process at a time: files another process is compressing are left to it. */
  private async compressFiles(day: string, names: string[]): Promise<string[]> {
    const done: string[] = [];
    if (!names.length) return done;
    const busy = new Error('compressing elsewhere');
    try {
      await withLease(this.redis, this.keys(day).compressing, { ttlMs: this.leaseMs, waitMs: 0, busy: () => busy }, async () => {
        for (const name of names) if (await this.compress(day, name)) done.push(name);
      });
    } catch (err) {
      if (err !== busy) throw err;
    }
    return done;
  }

  /**
   * gzip a closed file to `<name>.gz`. The gzip (to a temp name, fsynced) runs outside the day's lease so writers are
   * not held up; then, under the lease, the .gz is renamed into place and the original unlinked only if the file kept
   * its size (an idle day's last file may have taken a late record meanwhile). Else the .gz is discarded and the file
   * compressed later. Returns whether it was compressed.
   */
  private async compress(day: string, name: string): Promise<boolean> {
    const src = path.join(this.options.dir, name);
    const sizeOf = () => stat(src).then((s) => s.size, () => null);
    const size = await sizeOf();
    if (size === null) return false;
    const tmp = `${src}.gz.${randomBytes(4).toString('hex')}.tmp`;
    try {
      // Exactly the bytes counted (of an empty file up to one, which the size check then catches).
      await pipeline(createReadStream(src, { end: Math.max(size - 1, 0) }), createGzip(), createWriteStream(tmp));
      const fh = await open(tmp, 'r');
      await fh.sync();
      await fh.close();
      return await this.withLease(this.keys(day).lease, async (lease) => {
        if ((await sizeOf()) !== size || !(await lease.held())) return false;
        await rename(tmp, `${src}.gz`);
        await unlink(src);
        await syncFolder(this.options.dir);
        return true;
      });
    } finally {
      await removed(tmp);
    }
  }

  /** Compresses the files of days no one has written to for a day, each under its day's lease. */
  async compressIdleDays(now = Date.now()): Promise<string[]> {
    const names = await this.folderNames();
    const plain = names.filter((n) => SEGMENT.exec(n) && !n.endsWith('.gz'));
    const idle = new Set<string>();
    for (const name of plain) {
      const { mtimeMs } = await stat(path.join(this.options.dir, name));
      if (now - mtimeMs > DAY_MS) idle.add(SEGMENT.exec(name)![1]!);
    }
    const done: string[] = [];
    for (const day of idle) {
      const keys = this.keys(day);
      const names = await this.withLease(keys.lease, async () => {
        const uncompressed = (await this.segmentsOf(day, await this.folderNames())).filter((s) => !s.compressed);
        const last = uncompressed.at(-1);
        if (last) {
          // The last file may end in a torn line that no write has cut yet; a .gz must hold whole lines only.
          const fh = await open(path.join(this.options.dir, segmentName(day, last.n)), 'a+');
          await this.reconcile(fh, keys.ledger, keys.offset(last.n)).finally(() => fh.close());
        }
        return uncompressed.map((s) => segmentName(day, s.n));
      });
      done.push(...(await this.compressFiles(day, names)));
    }
    return done;
  }

  private withLease<T>(key: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
    const busy = () => retryable('sink-busy', `output lease ${key} not acquired in time`);
    return withLease(this.redis, key, { ttlMs: this.leaseMs, waitMs: this.leaseMs * 2, busy }, fn);
  }
}

/**
 * The segments of each day among a folder's file names, ascending; a segment is compressed when its .gz is there (a
 * plain file beside it is one a compress left behind: the .gz, renamed into place only when complete, holds it all).
 */
function segmentsIn(names: string[]): Map<string, Array<{ n: number; compressed: boolean }>> {
  const days = new Map<string, Map<number, boolean>>();
  for (const m of names.map((name) => SEGMENT.exec(name))) {
    if (!m) continue;
    const byNumber = days.get(m[1]!) ?? new Map<number, boolean>();
    days.set(m[1]!, byNumber);
    const n = Number(m[2] ?? 0);
    byNumber.set(n, (byNumber.get(n) ?? false) || m[3] !== undefined);
  }
  return new Map(
    [...days].map(([day, byNumber]) => [day, [...byNumber].map(([n, compressed]) => ({ n, compressed })).sort((a, b) => a.n - b.n)]),
  );
}

/** Output files of a folder in write order: days ascending, then segments; compressed ones included. */
export async function listOutputFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const present = new Set(names);
  const key = (n: string) => {
    const m = SEGMENT.exec(n);
    return m ? `${m[1]}.${String(Number(m[2] ?? 0)).padStart(6, '0')}` : null;
  };
  // A plain file next to its .gz is left by a compress that died before unlinking it; the .gz holds the same lines.
  return names
    .filter((n) => key(n) !== null && !present.has(`${n}.gz`))
    .sort((a, b) => key(a)!.localeCompare(key(b)!))
    .map((n) => path.join(dir, n));
}

/** The lines of output files, compressed or not, in order. */
export async function* readLines(files: string[]): AsyncGenerator<string> {
  for (const file of files) {
    const input = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
    for await (const line of createInterface({ input, crlfDelay: Infinity })) if (line) yield line;
  }
}

/** The records of output files; a line that is not JSON (a torn line not yet repaired) is no record. */
export async function readRecords(files: string[]): Promise<ArticleRecord[]> {
  const out: ArticleRecord[] = [];
  for await (const line of readLines(files)) {
    try {
      out.push(JSON.parse(line) as ArticleRecord);
    } catch {
      // skipped
    }
  }
  return out;
}
