// Deterministic ids: the same input always gives the same id, so a queue that delivers twice creates nothing twice.
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A short id (16 hex digits, 64 bits) from parts joined unambiguously. Contains no ':' so it is safe as a BullMQ job id. */
export function shortId(...parts: string[]): string {
  return sha256Hex(parts.map((p) => `${p.length}.${p}`).join('|')).slice(0, 16);
}

/** BullMQ job ids: deterministic and free of ':' (BullMQ reserves it). */
export function jobId(stage: string, ...parts: string[]): string {
  return [stage, ...parts].join('-').replace(/[^A-Za-z0-9_.-]/g, '_');
}
