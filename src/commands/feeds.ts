// Feed-source commands: OPML import/export (users arrive from feed readers) and the two debugging commands
// that print what the fetch stage sees for one URL or file.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { readInput } from './read-input.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import YAML from 'yaml';
import { canonicalizeUrl } from '../domain/canonical-url.js';
import { decodeBody } from '../domain/encoding.js';
import { shortId } from '../domain/ids.js';
import { FeedSchema, FeedsFileSchema, type Feed } from '../config/schema.js';
import { createHttpClient } from '../infra/http/client.js';
import type { FetchConfig } from '../stages/fetch/config.js';
import { parseFeed } from '../stages/fetch/parse-feed.js';
import { ConfigError, formatIssues } from '../config/load.js';
import { InputError } from '../domain/errors.js';
import { forgetFeedFailures, pausedFeedIds } from '../infra/fetch-state.js';
import type { Runtime } from '../workers/runtime.js';

export interface OpmlImportResult {
  added: Feed[];
  /** Feeds already in the file (same canonical URL); their tags were merged. */
  existing: number;
  /** Outlines that could not become feeds, with why. */
  skipped: Array<{ url: string; reason: string }>;
}

interface OpmlFeed {
  url: string;
  title: string | undefined;
  siteUrl: string | undefined;
  tags: string[];
}

/**
 * Feeds in an OPML document; each outline's ancestors (folders) and its category attribute become tags. A document
 * whose root is not `<opml>` (a YAML file, an HTML page) is an InputError naming `source`, not an empty import.
 */
export function readOpml(xml: string, source = 'input'): OpmlFeed[] {
  const $ = load(xml, { xml: true });
  const root = $.root().children().first();
  const rootName = root.length ? (root.prop('tagName') ?? '').toLowerCase() : '';
  if (rootName !== 'opml') {
    throw new InputError(`${source}: not an OPML document: ${rootName ? `its root element is <${rootName}>, not <opml>` : 'no <opml> root element'}`);
  }
  const out: OpmlFeed[] = [];
  $('outline').each((_, el) => {
    const node = $(el);
    const url = (node.attr('xmlUrl') ?? node.attr('xmlurl') ?? node.attr('url') ?? '').trim();
    if (!url || (node.attr('type') ?? 'rss').toLowerCase() === 'link') return;
    const folders = node
      .parents('outline')
      .toArray()
      .reverse()
      .map((p) => ($(p).attr('title') ?? $(p).attr('text') ?? '').trim());
    const categories = (node.attr('category') ?? '').split(',').flatMap((c) => c.split('/'));
    const tags = [...new Set([...folders, ...categories].map((t) => t.trim()).filter(Boolean))];
    const title = (node.attr('title') ?? node.attr('text'))?.trim() || undefined;
    out.push({ url, title, siteUrl: node.attr('htmlUrl')?.trim() || undefined, tags });
  });
  return out;
}

/** A readable id from the title when it has Latin letters, else a stable hash of the URL. */
function feedIdFor(feed: OpmlFeed, taken: Set<string>): string {
  const slug = (feed.title ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  let id = slug.length >= 3 ? slug : `feed-${shortId(feed.url).slice(0, 8)}`;
  for (let n = 2; taken.has(id); n++) id = `${slug || 'feed'}-${n}`;
  taken.add(id);
  return id;
}

/** Merges an OPML file into the YAML feeds file (created when missing), keeping its comments; returns what changed. */
export async function importOpml(file: string, feedsFile: string): Promise<OpmlImportResult> {
  const entries = readOpml((await readInput(file)).toString('utf8'), file);
  const doc = existsSync(feedsFile) ? YAML.parseDocument(await readFile(feedsFile, 'utf8')) : new YAML.Document({ feeds: [] });
  if (doc.errors.length) throw new ConfigError(`${feedsFile}: not valid YAML: ${doc.errors[0]!.message}`);
  // A file that holds only `feeds:` (null) is the empty list a user starts from; the list goes in its place.
  if (doc.has('feeds') && doc.get('feeds') == null) doc.set('feeds', doc.createNode([]));
  // Checked as `config check` checks it, so an invalid file stops the import with its place in the file.
  const parsed = FeedsFileSchema.safeParse(doc.toJS() ?? { feeds: [] });
  if (!parsed.success) throw new ConfigError(formatIssues(feedsFile, parsed.error));
  const current = parsed.data;
  const byUrl = new Map(current.feeds.map((f, i) => [canonicalizeUrl(f.url), i]));
  const taken = new Set(current.feeds.map((f) => f.id));
  const result: OpmlImportResult = { added: [], existing: 0, skipped: [] };
  if (!doc.has('feeds')) doc.set('feeds', doc.createNode([]));
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry.url);
    } catch {
      result.skipped.push({ url: entry.url, reason: 'not a URL' });
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      result.skipped.push({ url: entry.url, reason: `unsupported scheme ${url.protocol}` });
      continue;
    }
    const key = canonicalizeUrl(url.href);
    const at = byUrl.get(key);
    if (at !== undefined) {
      result.existing++;
      const tags = doc.getIn(['feeds', at, 'tags']) as YAML.YAMLSeq | undefined;
      const have = new Set(current.feeds[at]!.tags);
      const missing = entry.tags.filter((t) => !have.has(t));
      if (missing.length) {
        if (tags) for (const t of missing) tags.add(t);
        else doc.setIn(['feeds', at, 'tags'], doc.createNode(entry.tags));
        missing.forEach((t) => have.add(t));
        current.feeds[at]!.tags = [...have];
      }
      continue;
    }
    // Only what the OPML said is written; the schema's defaults (fullText, polling, ...) stay implicit in the file.
    const written = {
      id: feedIdFor(entry, taken),
      url: url.href,
      ...(entry.title ? { title: entry.title } : {}),
      ...(entry.siteUrl ? { siteUrl: entry.siteUrl } : {}),
      tags: entry.tags,
    };
    const checked = FeedSchema.safeParse(written);
    if (!checked.success) {
      result.skipped.push({ url: entry.url, reason: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      continue;
    }
    const feed = checked.data;
    byUrl.set(key, current.feeds.length);
    current.feeds.push(feed);
    (doc.get('feeds') as YAML.YAMLSeq).add(doc.createNode(written));
    result.added.push(feed);
  }
  FeedsFileSchema.parse(doc.toJS());
  const tmp = path.join(path.dirname(feedsFile), `.${path.basename(feedsFile)}.${process.pid}.tmp`);
  await writeFile(tmp, doc.toString());
  await rename(tmp, feedsFile);
  return result;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function outline(feed: Feed, indent: string): string {
  const attrs = [`type="rss"`, `text="${esc(feed.title ?? feed.id)}"`, `title="${esc(feed.title ?? feed.id)}"`, `xmlUrl="${esc(feed.url)}"`];
  if (feed.siteUrl) attrs.push(`htmlUrl="${esc(feed.siteUrl)}"`);
  if (feed.tags.length) attrs.push(`category="${esc(feed.tags.join(','))}"`);
  return `${indent}<outline ${attrs.join(' ')}/>`;
}

/** OPML 2.0; each feed sits in the folder of its first tag (readers support one level), all tags in `category`. */
export function exportOpml(feeds: Feed[]): string {
  const folders = new Map<string, Feed[]>();
  const loose: Feed[] = [];
  for (const feed of feeds) {
    const first = feed.tags[0];
    if (!first) loose.push(feed);
    else if (folders.has(first)) folders.get(first)!.push(feed);
    else folders.set(first, [feed]);
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', '  <head>', '    <title>newsflow feeds</title>', '  </head>', '  <body>'];
  for (const [folder, members] of folders) {
    lines.push(`    <outline text="${esc(folder)}" title="${esc(folder)}">`);
    for (const f of members) lines.push(outline(f, '      '));
    lines.push('    </outline>');
  }
  for (const f of loose) lines.push(outline(f, '    '));
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

/** One GET through the production client (guard, caps, redirects), printed as JSON; a feed is also parsed. */
export async function runFetch(url: string, config: FetchConfig): Promise<string> {
  const client = createHttpClient(config);
  try {
    const res = await client.get(url, { purpose: 'feed' });
    const decoded = decodeBody(res.body, res.headers['content-type'], config.defaultEncoding);
    const feed = await parseFeed(res.body, { url: res.finalUrl, contentType: res.headers['content-type'], defaultEncoding: config.defaultEncoding });
    const isFeed = feed.format !== 'unknown' && !(feed.malformed && feed.items.length === 0);
    return JSON.stringify(
      {
        url,
        finalUrl: res.finalUrl,
        status: res.status,
        redirects: res.redirects,
        headers: res.headers,
        bytes: res.body.length,
        encoding: { name: decoded.encoding, source: decoded.source },
        ...(isFeed ? { feed } : { text: decoded.text }),
      },
      null,
      2,
    );
  } finally {
    await client.close();
  }
}

/** Parses a local file or a fetched URL and prints the normalized feed as JSON. */
export async function runParseFeed(fileOrUrl: string, config: FetchConfig): Promise<string> {
  if (/^https?:\/\//i.test(fileOrUrl)) {
    const client = createHttpClient(config);
    try {
      const res = await client.get(fileOrUrl, { purpose: 'feed' });
      const feed = await parseFeed(res.body, { url: res.finalUrl, contentType: res.headers['content-type'], defaultEncoding: config.defaultEncoding });
      return JSON.stringify(feed, null, 2);
    } finally {
      await client.close();
    }
  }
  const body = await readInput(fileOrUrl);
  const contentType = /\.json$/i.test(fileOrUrl) ? 'application/feed+json' : undefined;
  const feed = await parseFeed(body, { ...(contentType ? { contentType } : {}), defaultEncoding: config.defaultEncoding });
  return JSON.stringify(feed, null, 2);
}

/**
 * Resumes feeds paused after repeated failures (every paused feed when none is named): their failures and backoff are
 * forgotten, so the next scheduled tick polls them; validators, seen items and the last error stay. A named feed that
 * is not paused (a typo, most likely) stops the command before anything changes. Returns the ids resumed.
 */
export async function resumeFeeds(rt: Runtime, ids: readonly string[]): Promise<string[]> {
  const paused = new Set(await pausedFeedIds(rt.redis.client, rt.fetchRoot));
  const notPaused = [...new Set(ids)].filter((id) => !paused.has(id));
  if (notPaused.length) {
    throw new InputError(`not paused: ${notPaused.map((id) => `"${id}"`).join(', ')}; nothing was resumed (\`newsflow status\` shows the paused feeds)`);
  }
  const targets = ids.length ? [...new Set(ids)] : [...paused];
  await forgetFeedFailures(rt.redis.client, rt.fetchRoot, targets);
  return targets.sort();
}
