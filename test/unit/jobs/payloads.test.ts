import { describe, expect, it } from 'vitest';
import { FeedSchema } from '../../../src/config/schema.js';
import { feedJob } from '../../../src/commands/crawl.js';
import { CleanPayloadSchema, feedPayloadFields } from '../../../src/jobs/payloads.js';

const feed = (fields: Record<string, unknown>) => FeedSchema.parse({ id: 'f', url: 'https://example.org/feed.xml', ...fields });

describe('feedPayloadFields', () => {
  it('makes a feed adaptive only when its interval is auto and no cron pattern overrides it', () => {
    expect(feedPayloadFields(feed({ interval: 'auto' })).adaptive).toBe(true);
    expect(feedPayloadFields(feed({ interval: 'auto', cron: '0 7-22 * * *' })).adaptive).toBe(false);
    expect(feedPayloadFields(feed({ interval: '15m' })).adaptive).toBe(false);
    expect(feedPayloadFields(feed({})).adaptive).toBe(false);
  });

  it('carries the feed fields into a crawl job as into a scheduled one', () => {
    const job = feedJob(feed({ title: 'T', interval: 'auto', cron: '0 * * * *', maxNewItemsPerPoll: 50 }), 'run-1');
    expect(job.payload).toMatchObject({
      feedId: 'f',
      url: 'https://example.org/feed.xml',
      title: 'T',
      fullText: 'auto',
      adaptive: false,
      maxNewItemsPerPoll: 50,
      scheduled: false,
      runId: 'run-1',
    });
    expect(feedPayloadFields(feed({}))).not.toHaveProperty('maxNewItemsPerPoll');
  });
});

describe('CleanPayloadSchema', () => {
  const payload = {
    runId: 'run-1',
    articleId: 'a1b2c3d4e5f60718',
    url: 'https://news.example/a',
    source: { id: 'f', title: null, url: null },
    hints: { feedItemId: null, title: null, author: null, publishedAt: null, summary: null, images: [] },
    rawRef: 'a'.repeat(64),
    format: 'html',
    fetchedAt: '2025-01-01T08:00:00+00:00',
  };

  it('accepts a payload without contentType, as queued and journaled before it was carried', () => {
    expect(CleanPayloadSchema.parse(payload)).not.toHaveProperty('contentType');
  });

  it('keeps contentType through the shell\'s validation and a journal round trip into a replay job', () => {
    const validated = CleanPayloadSchema.parse({ ...payload, contentType: 'text/html; charset=windows-1251' });
    // As the journal stores an input (without its run, as JSON) and a replay enqueues it again under its own run.
    const { runId: _, ...journaled } = JSON.parse(JSON.stringify(validated)) as typeof validated;
    expect(CleanPayloadSchema.parse({ ...journaled, runId: 'replay-1' }).contentType).toBe('text/html; charset=windows-1251');
  });
});
