// Typed arrays as model files store them: the array's bytes (little-endian, as on every platform Node runs on) in
// base64, so megabytes of weights stay one JSON string each.

type TypedArray = Int8Array | Int32Array | Float32Array;

export function toBase64(a: TypedArray): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** The bytes of `text` in a buffer of their own (Node's pooled buffers are not aligned for wider elements). */
export function fromBase64<T>(text: string, as: (bytes: ArrayBuffer) => T): T {
  const b = Buffer.from(text, 'base64');
  return as(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}
