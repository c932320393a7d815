// The raw store on a directory: each payload once, gzip-compressed, named by its sha256; a manifest line per fetch.
// Files are written to a temporary name and renamed, so readers on other hosts never see half an object.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { permanent } from '../domain/errors.js';
import type { FetchManifest, RawStore } from '../stages/raw-store.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface ManifestLine extends FetchManifest {
  sha256: string;
  size: number;
}

export class DirRawStore implements RawStore {
  readonly root: string;
  /** Manifest files are per process, so writers on several hosts never interleave lines. */
  private readonly writerId = `${hostname()}-${process.pid}`;

  constructor(root: string) {
    this.root = root;
  }

  objectPath(sha256: string): string {
    return path.join(this.root, 'objects', sha256.slice(0, 2), `${sha256.slice(2)}.gz`);
  }

  async put(body: Uint8Array, manifest: FetchManifest): Promise<string> {
    const sha256 = createHash('sha256').update(body).digest('hex');
    const file = this.objectPath(sha256);
    // An object seen again is touched, so retention counts from its last fetch, not its first.
    const now = new Date();
    const exists = await utimes(file, now, now).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, await gzipAsync(body));
      await rename(tmp, file);
    }
    const line: ManifestLine = { ...manifest, sha256, size: body.byteLength };
    const day = manifest.fetchedAt.slice(0, 10);
    const dir = path.join(this.root, 'manifest');
    await mkdir(dir, { recursive: true });
    await appendFile(path.join(dir, `${day}.${this.writerId}.jsonl`), `${JSON.stringify(line)}\n`);
    return sha256;
  }

  async get(sha256: string): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw permanent('raw-bad-ref', `not a sha256: ${sha256}`);
    let packed: Buffer;
    try {
      packed = await readFile(this.objectPath(sha256));
    } catch (err) {
      throw permanent('raw-missing', `raw payload ${sha256} is not in the store (pruned?)`, { cause: err });
    }
    return gunzipAsync(packed);
  }
}

export interface PruneResult {
  objects: number;
  bytes: number;
  files: number;
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\./;

/**
 * Enforces retention on the raw store and the stage journals beside it: objects not fetched for `days` go, then the
 * oldest until at most `maxBytes` remain; manifest and journal files of days older than `days` go.
 */
export async function pruneStore(dataDir: string, options: { days: number; maxBytes: number | null; now?: number; dryRun?: boolean }): Promise<PruneResult> {
  const now = options.now ?? Date.now();
  const cutoff = now - options.days * 86_400_000;
  const cutoffDay = new Date(cutoff).toISOString().slice(0, 10);
  const result: PruneResult = { objects: 0, bytes: 0, files: 0 };
  const remove = async (file: string) => {
    if (!options.dryRun) await unlink(file).catch(() => {});
  };

  const objectsDir = path.join(dataDir, 'raw', 'objects');
  const objects: Array<{ file: string; size: number; mtime: number }> = [];
  for (const sub of await readdir(objectsDir).catch(() => [] as string[])) {
    for (const name of await readdir(path.join(objectsDir, sub)).catch(() => [] as string[])) {
      if (!name.endsWith('.gz')) continue;
      const file = path.join(objectsDir, sub, name);
      const s = await stat(file).catch(() => null);
      if (s) objects.push({ file, size: s.size, mtime: s.mtimeMs });
    }
  }
  objects.sort((a, b) => a.mtime - b.mtime);
  let total = objects.reduce((sum, o) => sum + o.size, 0);
  for (const o of objects) {
    const expired = o.mtime < cutoff;
    const overBudget = options.maxBytes !== null && total > options.maxBytes;
    if (!expired && !overBudget) break;
    await remove(o.file);
    total -= o.size;
    result.objects += 1;
    result.bytes += o.size;
  }

  for (const dir of [path.join(dataDir, 'raw', 'manifest'), ...['clean', 'classify', 'dedupe'].map((s) => path.join(dataDir, 'journal', s))]) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const day = DAY_FILE.exec(name)?.[1];
      if (day && day < cutoffDay) {
        await remove(path.join(dir, name));
        result.files += 1;
      }
    }
  }
  if (!options.dryRun) {
    for (const sub of await readdir(objectsDir).catch(() => [] as string[])) {
      const d = path.join(objectsDir, sub);
      if ((await readdir(d).catch(() => ['x'])).length === 0) await rm(d, { recursive: true, force: true });
    }
  }
  return result;
}
