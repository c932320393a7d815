// The feeds file refuses what BullMQ cannot schedule (a zero interval, a cron pattern cron-parser refuses or that
// never fires, an unknown time zone), one line per mistake naming the file, the feed's index and the key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ConfigError, loadFeeds } from '../../../src/config/load.js';
import { FeedSchema } from '../../../src/config/schema.js';

function feedsFile(feeds: unknown[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'newsflow-feeds-')), 'feeds.yaml');
  writeFileSync(file, YAML.stringify({ feeds }));
  return file;
}

function loadError(file: string): string {
  try {
    loadFeeds(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the feeds file was accepted');
}

const ok = { id: 'ok', url: 'https://example.org/ok.xml', interval: '15m' };

describe('feeds file schedules', () => {
  it.each([
    ['a zero interval', { interval: '0s' }, 'interval: a duration greater than zero'],
    ['a zero interval with leading zeros', { interval: '00m' }, 'interval: a duration greater than zero'],
    ['words for a cron pattern', { cron: 'every day at noon' }, 'cron: not a cron pattern BullMQ can schedule: "every day at noon": Invalid characters'],
    ['a cron field out of range', { cron: '61 * * * *' }, 'cron: not a cron pattern BullMQ can schedule: "61 * * * *": Constraint error'],
    ['a cron pattern that never fires', { cron: '0 0 30 2 *' }, 'cron: not a cron pattern BullMQ can schedule: "0 0 30 2 *"'],
    ['an unknown time zone', { cron: '0 * * * *', tz: 'Mars/Olympus' }, 'tz: not a time zone: "Mars/Olympus"'],
  ])('refuses %s in one line naming the file, the feed and the key', (_case, fields, expected) => {
    const file = feedsFile([ok, { id: 'bad', url: 'https://example.org/bad.xml', ...fields }]);
    const message = loadError(file);
    const start = `${file}: feeds.1.${expected}`;
    expect(message.slice(0, start.length)).toBe(start);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('names each mistake of a feed with both a bad pattern and a bad zone', () => {
    const file = feedsFile([{ id: 'bad', url: 'https://example.org/bad.xml', cron: 'bad', tz: 'Nowhere/Town' }]);
    const lines = loadError(file).split('\n');
    expect(lines.map((l) => l.split(': ').slice(1, 2)[0])).toEqual(['feeds.0.tz', 'feeds.0.cron']);
  });

  it('accepts positive intervals, auto, cron patterns (five or six fields, aliases) and IANA zones', () => {
    const file = feedsFile([
      { id: 'a', url: 'https://example.org/a.xml', interval: '1s' },
      { id: 'b', url: 'https://example.org/b.xml', interval: 'auto' },
      { id: 'c', url: 'https://example.org/c.xml', cron: '0 7-22 * * *', tz: 'Asia/Shanghai' },
      { id: 'd', url: 'https://example.org/d.xml', cron: '30 0 */2 * * *', tz: 'Europe/Paris' },
      { id: 'e', url: 'https://example.org/e.xml', cron: '@daily', tz: 'UTC' },
    ]);
    expect(loadFeeds(file).map((f) => f.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(FeedSchema.parse({ id: 'f', url: 'https://example.org/f.xml' }).interval).toBe('30m');
  });
});
