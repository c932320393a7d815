// Readiness: Redis answers a PING within a short bound, and this process's workers are running.
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

async function redisReason(redis: Redis, timeoutMs: number): Promise<string | null> {
  // A client that is not connected would queue the PING until it reconnects; answer at once instead.
  if (redis.status !== 'ready') return `redis: connection ${redis.status}`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`redis: no answer to PING within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      redis.ping().then((reply) => (reply === 'PONG' ? null : `redis: PING answered ${reply}`), (err: Error) => `redis: ${err.message}`),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
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
