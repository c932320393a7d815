// A lease in Redis: one holder at a time across every process and host; a holder that dies frees it after ttlMs.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface LeaseOptions {
  /** How long the lease holds if its holder never releases it (it died). */
  ttlMs: number;
  /** How long to wait for it before giving up. */
  waitMs: number;
  /** The error thrown when the wait is over. */
  busy: () => Error;
}

export interface Lease {
  /** Renews the lease; false when it is no longer ours (it expired while the holder stalled, and may be another's). */
  held(): Promise<boolean>;
}

/**
 * Runs fn holding the lease `key`, waiting (with short, growing pauses) while someone else holds it. The lease is
 * renewed while fn runs, so long work keeps it; fn asks `held()` before a step that is only safe under the lease.
 */
export async function withLease<T>(
  redis: Redis,
  key: string,
  options: LeaseOptions,
  fn: (lease: Lease) => Promise<T>,
): Promise<T> {
  const token = randomBytes(12).toString('hex');
  const deadline = Date.now() + options.waitMs;
  let pause = 2;
  while ((await redis.set(key, token, 'PX', options.ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw options.busy();
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 25);
  }
  let lost = false;
  const held = async () => {
    if (!lost) lost = (await redis.eval(RENEW, 1, key, token, options.ttlMs)) !== 1;
    return !lost;
  };
  const timer = setInterval(() => void held().catch(() => {}), Math.max(options.ttlMs / 3, 1));
  try {
    return await fn({ held });
  } finally {
    clearInterval(timer);
    await releaseLease(redis, key, token);
  }
}

/** Releases a lease taken with `token` (SET NX PX); one that expired and was taken by another holder stays theirs. */
export async function releaseLease(redis: Redis, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}
