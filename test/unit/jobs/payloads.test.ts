import { describe, expect, it } from 'vitest';
import { FeedSchema } from '../../../src/config/schema.js';
import { feedJob } from '../../../src/commands/crawl.js';
import { feedPayloadFields } from '../../../src/jobs/payloads.js';

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
