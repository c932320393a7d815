// The raw store on a directory: each payload once, gzip-compressed, named by its sha256; a manifest line per fetch.
// Files are written to a temporary name and renamed, so readers on other hosts never see half an object.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
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
    const exists = await stat(file).then(
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
