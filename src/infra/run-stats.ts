// Counters of one run (a crawl, an ingest, a replay), kept in Redis so every worker process adds to the same numbers.
import type { Redis } from 'ioredis';

const TTL_SECONDS = 14 * 24 * 3600;

export class RunStats {
  constructor(
    private readonly redis: Redis,
    private readonly root: string,
  ) {}

  private key(runId: string): string {
    return `${this.root}:run:${runId}`;
  }

  async incr(runId: string, name: string, by = 1): Promise<void> {
    const key = this.key(runId);
    await this.redis.multi().hincrby(key, name, by).expire(key, TTL_SECONDS).exec();
  }

  async get(runId: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.key(runId));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
