// Reads a response body through its content decoding, cutting it off as soon as the decoded size passes the cap,
// so a small compressed "bomb" never expands in memory.
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from './errors.js';

/** deflate in HTTP is meant to be zlib-wrapped but many servers send raw deflate; pick by the first byte. */
function inflateAny(): Transform {
  let inner: Transform | null = null;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!inner) {
        inner = (chunk[0] !== undefined && (chunk[0] & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw()) as Transform;
        inner.on('data', (d: Buffer) => this.push(d));
        inner.on('error', (e) => this.destroy(e));
      }
      inner.write(chunk, done);
    },
    flush(done) {
      if (!inner) return done();
      inner.once('end', () => done());
      inner.end();
    },
  });
}

function decoders(contentEncoding: string | undefined, url: string): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  // Codings are listed in the order applied; undo them last first.
  return codings.reverse().map((c) => {
    if (c === 'gzip' || c === 'x-gzip') return zlib.createGunzip();
    if (c === 'deflate') return inflateAny();
    if (c === 'br') return zlib.createBrotliDecompress();
    throw new FetchError('bad-encoding', `unsupported content-encoding "${c}" from ${url}`);
  });
}

export async function readBody(body: Readable, contentEncoding: string | undefined, maxBytes: number, url: string, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let received = 0;
  const count = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      received += chunk.length;
      yield chunk;
    }
  };
  const collect = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) throw new FetchError('too-large', `body of ${url} exceeds ${maxBytes} bytes`);
      chunks.push(chunk);
    }
    yield* [];
  };
  let stages: Transform[];
  try {
    stages = decoders(contentEncoding, url);
  } catch (err) {
    body.destroy();
    throw err;
  }
  try {
    await (pipeline as (...args: unknown[]) => Promise<void>)(body, count, ...stages, collect, signal ? { signal } : {});
  } catch (err) {
    if (err instanceof FetchError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR__ERROR_FORMAT_PADDING_1') {
      // An empty body under a content-encoding (servers label a 200 with no content so too) is empty, not broken.
      if (received === 0) return Buffer.alloc(0);
      throw new FetchError('bad-encoding', `cannot decode ${contentEncoding} body of ${url}: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  return Buffer.concat(chunks, size);
}
