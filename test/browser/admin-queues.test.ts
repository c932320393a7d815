// The queue dashboard in a real browser: Debian's Chromium driven by playwright-core opens /admin/queues after a crawl
// of the sample sources, reads every stage queue and its job count from the DOM, and keeps a screenshot.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminServer } from '../../src/admin/server.js';
import { crawlOnce } from '../../src/commands/crawl.js';
import type { RunSummary } from '../../src/commands/summary.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { sampleFeeds, startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { STAGES } from '../../src/jobs/names.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCREENSHOT = path.join(PACKAGE_ROOT, 'test-artifacts', 'admin-queues.png');
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)(`queue dashboard in headless Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`}`, () => {
  let sample: SampleServer;
  let rt: TestRuntime;
  let summary: RunSummary;
  let admin: AdminServer;
  let profile: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    sample = await startSampleServer();
    rt = await openTestRuntime('admin-browser', { feeds: sampleFeeds(sample.baseUrl), tweak: (c) => void (c.fetch.politeness.minDelayMs = 20) });
    summary = await crawlOnce(rt);
    admin = await startAdminServer(rt, { port: 0 });
    profile = mkdtempSync(path.join(tmpdir(), 'newsflow-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    // The dashboard links web fonts; nothing may leave the machine, so only the admin server is reachable.
    await browser.route('**/*', (route) => (new URL(route.request().url()).host === new URL(admin.url).host ? route.continue() : route.abort()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await admin?.close();
    await rt?.dispose();
    await sample?.close();
  });

  it('shows every stage queue and the dead letters with their job counts', async () => {
    const page = await browser.newPage();
    await page.goto(`${admin.url}/admin/queues/`);
    const cards = page.locator('main li', { has: page.locator('a[href*="/admin/queues/queue/"]') });
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(STAGES.length + 1);

    const shown = new Map<string, number>();
    for (const card of await cards.all()) {
      const name = await card.locator('a[href*="/admin/queues/queue/"]').first().getAttribute('title');
      const jobs = /(\d+) Jobs?/.exec(await card.innerText())?.[1];
      shown.set(name!, Number(jobs));
    }
    expect([...shown.keys()].sort()).toEqual([...STAGES, 'dead-letter'].sort());
    // Each card counts the jobs the queue holds in Redis; after the crawl they are its completed and failed jobs.
    for (const [name, queue] of Object.entries(rt.queues)) {
      const c = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      expect(shown.get(name), name).toBe(Object.values(c).reduce((a, b) => a + b, 0));
    }
    expect(shown.get('sink')).toBe(summary.counts['articles-written']);
    expect(shown.get('fetch-feed')).toBe(summary.counts['feeds-fetched']);
    expect(shown.get('dead-letter')).toBe(0);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
