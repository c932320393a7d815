// The raw store contract: fetched payloads kept once by content (sha256), with a manifest line per fetch.

export interface FetchManifest {
  url: string;
  finalUrl: string;
  status: number;
  /** Headers that matter later: content-type, etag, last-modified, date. */
  headers: Record<string, string>;
  fetchedAt: string;
  feedId: string | null;
  kind: 'feed' | 'article' | 'file';
}

export interface RawStore {
  /** Stores the bytes (once per content) and appends a manifest line; returns the sha256. */
  put(body: Uint8Array, manifest: FetchManifest): Promise<string>;
  /** The bytes stored under a sha256; throws a permanent error when they are gone. */
  get(sha256: string): Promise<Buffer>;
}
