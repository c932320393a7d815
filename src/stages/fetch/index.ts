// The fetch stage's public surface: the two stage cores, the feed parser and the dependency contracts.
export { fetchFeed, itemHash } from './fetch-feed.js';
export { fetchArticle } from './fetch-article.js';
export { parseFeed } from './parse-feed.js';
export { parseFeedDate } from './parse-date.js';
export { isFeedDue, describeHealth } from './health.js';
export { FetchConfigSchema, type FetchConfig } from './config.js';
export type { FetchDeps, HttpClient, HttpResponse, FeedHealth, FeedStateStore, SeenItemsStore, Politeness, RobotsPolicy } from './deps.js';
export type { FeedItem, ParsedFeed, ParseFeedOptions } from './types.js';
