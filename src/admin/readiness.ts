// Readiness: Redis answers a PING within a short bound, and this process's workers are running; and that bound on
// Redis reads, which every admin endpoint that reads Redis shares so none of them hangs while Redis is away.
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export interface Readiness {
  ready: boolean;
  /** Why not, for the operator: "redis: no answer to PING within 1000 ms", "workers: clean closed". */
  reasons: string[];
}

export interface ReadinessSources {
  redis: Redis;
  /** The workers this process runs; none (not started yet, or closed) is not ready. */
  workers: () => readonly Worker[];
  pingTimeoutMs: number;
}

/**
 * `read` (commands on `redis`) bounded in time, for answers an operator waits for. A client that is not connected
 * would hold the commands in its offline queue until it reconnects, so the read fails at once instead (and adds
 * nothing to that queue); one whose Redis does not answer fails after `timeoutMs`.
 */
export async function readRedisWithin<T>(redis: Redis, timeoutMs: number, what: string, read: () => Promise<T>): Promise<T> {
  if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why Redis cannot serve this process right now ("redis: connection reconnecting"), or null when it answers a PING. */
export async function redisReason(redis: Redis, timeoutMs: number): Promise<string | null> {
  try {
    const reply = await readRedisWithin(redis, timeoutMs, 'PING', () => redis.ping());
    return reply === 'PONG' ? null : `redis: PING answered ${reply}`;
  } catch (err) {
    return `redis: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const reasons: string[] = [];
  const redis = await redisReason(sources.redis, sources.pingTimeoutMs);
  if (redis) reasons.push(redis);
  const workers = sources.workers();
  if (workers.length === 0) reasons.push('workers: none running');
  for (const worker of workers) {
    if (worker.closing || !worker.isRunning()) reasons.push(`workers: ${worker.name} ${worker.closing ? 'closing' : 'not running'}`);
  }
  return { ready: reasons.length === 0, reasons };
}
