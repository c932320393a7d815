// Golden files: every fixture under test/fixtures/feeds/parse is parsed and compared with its .expected.json.
// Regenerate after an intended change with UPDATE_GOLDEN=1, then review the diff.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../../src/stages/fetch/parse-feed.js';
import { FeedItemSchema } from '../../../../src/stages/fetch/types.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/feeds/parse');
const inputs = readdirSync(dir).filter((f) => !f.endsWith('.expected.json'));

describe('parseFeed golden files', () => {
  for (const name of inputs) {
    it(`parses ${name} as expected`, async () => {
      const body = readFileSync(path.join(dir, name));
      const contentType = name.endsWith('.json') ? 'application/feed+json' : name.endsWith('.html') ? 'text/html' : 'application/xml';
      const feed = await parseFeed(body, { url: `https://feeds.example/parse/${name}`, contentType });
      for (const item of feed.items) expect(() => FeedItemSchema.parse(item)).not.toThrow();
      const goldenPath = path.join(dir, `${name}.expected.json`);
      if (process.env.UPDATE_GOLDEN || !existsSync(goldenPath)) writeFileSync(goldenPath, `${JSON.stringify(feed, null, 2)}\n`);
      expect(feed).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
    });
  }
});
