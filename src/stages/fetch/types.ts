// The normalized feed shape every dialect (RSS 0.9x/1.0/2.0, Atom, JSON Feed) is parsed into.
import { z } from 'zod';

export const FeedItemSchema = z.object({
  /** Stable id: GUID, else link, else a hash of title + date. */
  id: z.string(),
  link: z.string().nullable(),
  title: z.string().nullable(),
  author: z.string().nullable(),
  publishedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  /** Full content HTML (sanitized) when the feed carries it. */
  contentHtml: z.string().nullable(),
  /** Summary as sanitized HTML. */
  summary: z.string().nullable(),
  images: z.array(z.string()),
});
export type FeedItem = z.infer<typeof FeedItemSchema>;

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json' | 'unknown';
  title: string | null;
  link: string | null;
  /** Seconds the feed asks readers to wait between polls (RSS ttl, sy:updatePeriod), if given. */
  ttlSeconds: number | null;
  items: FeedItem[];
  /** Null when the feed parsed cleanly; otherwise why it did not, with what could be recovered in `items`. */
  malformed: { reason: string } | null;
  /** Repairs the tolerant pre-pass applied (bare-ampersand, html-entity, bom, wrong-declared-encoding, ...). */
  repairs: string[];
  /** The character encoding the bytes were decoded with; null when text was given. */
  encoding: string | null;
}

export interface ParseFeedOptions {
  /** The feed's URL, to resolve relative links. */
  url?: string;
  /** The HTTP Content-Type header, for its charset. */
  contentType?: string;
  /** Encoding assumed when nothing declares one (FetchConfig.defaultEncoding). */
  defaultEncoding?: string;
}
