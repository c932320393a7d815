// What main-content extraction returns for one page.

export interface Extracted {
  title: string | null;
  author: string | null;
  /** ISO 8601 with offset. */
  publishedAt: string | null;
  modifiedAt: string | null;
  siteName: string | null;
  /** From `html lang`, `og:locale` or similar; a hint, the classify stage decides. */
  langHint: string | null;
  canonicalUrl: string | null;
  /** Main text: paragraphs separated by a blank line, NFC, no HTML. */
  text: string;
  /** The body as Markdown (headings, lists, links, images), for LLM use. */
  markdown: string;
  leadImage: string | null;
  images: string[];
  links: string[];
}
