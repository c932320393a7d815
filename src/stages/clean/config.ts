// Options of the clean stage; every default is here.
import { z } from 'zod';

/**
 * Per-host extraction rules (Miniflux-style scraper rules). Each selector is a CSS selector list; for title, author,
 * date and siteName the first match wins, taking a meta tag's `content`, a `time` element's `datetime`, else the text.
 */
export const SiteRuleSchema = z
  .object({
    /** The article body; when it matches, scoring is skipped. Default: none (the body is found by scoring). */
    body: z.string().optional(),
    /** Elements removed before extraction (ads, account cards, promotions). Default: []. */
    remove: z.array(z.string()).default([]),
    /** Where the title is. Default: none (meta tags, JSON-LD, headings). */
    title: z.string().optional(),
    /** Where the author is. Default: none. */
    author: z.string().optional(),
    /** Where the publish date is. Default: none. */
    date: z.string().optional(),
    /** Where the site or account name is. Default: none. */
    siteName: z.string().optional(),
    /**
     * Values read from `var NAME = "..."` in the page's inline scripts, by field; several names may be given,
     * comma-separated, tried in order. `date` takes Unix seconds or a date string. Default: {}.
     */
    scriptVars: z
      .object({ date: z.string().optional(), author: z.string().optional(), siteName: z.string().optional(), title: z.string().optional() })
      .strict()
      .default({}),
    /** Time zone offset (like "+08:00") for dates on this site that carry none. Default: guessed from the page. */
    timeZone: z.string().regex(/^[+-]\d{2}:\d{2}$/).optional(),
  })
  .strict();
export type SiteRule = z.infer<typeof SiteRuleSchema>;

const regex = z.string().refine(
  (p) => {
    try {
      new RegExp(p, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

export const CleanConfigSchema = z
  .object({
    /** Boilerplate line patterns (regular expressions) removed at the edges of the body, added to the built-in ones. Default: []. */
    boilerplate: z.array(regex).default([]),
    /**
     * Patterns (regular expressions) of lines that start the page's tail: in the last part of the body, that line and
     * everything after it are removed. Added to the built-in ones (往期推荐, END, ...). Default: [].
     */
    boilerplateTail: z.array(regex).default([]),
    /**
     * Site rules keyed by host; a key also matches its subdomains. Merged over the built-in rules (mp.weixin.qq.com),
     * a user rule replacing a built-in one for the same host. Default: {}.
     */
    siteRules: z.record(z.string(), SiteRuleSchema).default({}),
  })
  .strict();
export type CleanConfig = z.infer<typeof CleanConfigSchema>;
