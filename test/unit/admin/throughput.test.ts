// countInWindow against a model of BullMQ's collectMetrics script: per-minute points pushed only when a job finishes
// in a later minute than the last push, the current minute's jobs pending in count - prevCount.
import type { Metrics } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { countInWindow } from '../../../src/admin/throughput.js';

const MIN = 60_000;

/** Replays BullMQ's collectMetrics.lua for jobs finishing at the given times (ms, ascending). */
function bullmqMetrics(finishedAt: number[], maxDataPoints = 1440): Metrics {
  let count = 0;
  let prevTS: number | null = null;
  let prevCount = 0;
  const data: number[] = [];
  for (const ts of finishedAt) {
    const before = count;
    count += 1;
    if (prevTS === null) {
      prevTS = ts;
      prevCount = 0;
      continue;
    }
    const n = Math.min(Math.floor(ts / MIN) - Math.floor(prevTS / MIN), maxDataPoints);
    if (n > 0) {
      const delta = before - prevCount;
      data.unshift(delta);
      for (let i = 1; i < n; i++) data.unshift(0);
      data.length = Math.min(data.length, maxDataPoints);
      prevCount = before;
      prevTS = ts;
    }
  }
  return { meta: { count, prevTS: prevTS ?? 0, prevCount }, data, count: data.length };
}

/** Jobs in the `minutes` whole minutes ending with the current one. */
const truth = (finishedAt: number[], now: number, minutes: number) =>
  finishedAt.filter((t) => Math.floor(t / MIN) > Math.floor(now / MIN) - minutes && t <= now).length;

describe('countInWindow', () => {
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('counts nothing when no job ever finished', () => {
    expect(countInWindow({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [], count: 0 }, t0, 15)).toBe(0);
  });

  it('counts jobs of the current minute that are not pushed yet', () => {
    const times = [t0 + 1000, t0 + 2000, t0 + 3000];
    expect(countInWindow(bullmqMetrics(times), t0 + 30_000, 15)).toBe(3);
  });

  it('forgets minutes that fell out of the window, also when nothing finished since', () => {
    const times = [t0, t0 + 10, t0 + 2 * MIN];
    const m = bullmqMetrics(times);
    expect(countInWindow(m, t0 + 2 * MIN + 5, 15)).toBe(3);
    expect(countInWindow(m, t0 + 2 * MIN + 5, 1)).toBe(1);
    expect(countInWindow(m, t0 + 16 * MIN, 15)).toBe(1);
    expect(countInWindow(m, t0 + 17 * MIN, 15)).toBe(0);
  });

  it('agrees with the true count for irregular traffic over hours, for many windows and times', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const times: number[] = [];
    for (let t = t0; t < t0 + 3 * 3600_000; t += Math.floor(rand() * MIN * (rand() < 0.05 ? 20 : 0.3))) times.push(t);
    expect(times.length).toBeGreaterThan(200);
    for (let k = 0; k < 200; k++) {
      const cut = Math.floor(rand() * times.length);
      const seen = times.slice(0, cut + 1);
      const now = seen.at(-1)! + Math.floor(rand() * 20 * MIN);
      for (const minutes of [1, 5, 15, 60]) expect(countInWindow(bullmqMetrics(seen), now, minutes)).toBe(truth(seen, now, minutes));
    }
  });
});
