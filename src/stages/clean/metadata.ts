// Page metadata: title without the site suffix, byline, dates with zone, site name, language, canonical URL, lead image.
import type { CheerioAPI } from 'cheerio';
import { hostnameOf } from '../../domain/canonical-url.js';
import type { SiteRule } from './config.js';
import { parseDate } from './dates.js';
import type { JsonLdArticle } from './json-ld.js';
import type { PageInfo } from './page-info.js';
import type { Extracted } from './types.js';
import { scriptVar, selectValue } from './site-rules.js';
import { cjkRatio, normalizeInline } from './text.js';
import { absoluteUrl } from './urls.js';

/** The fields of an extraction that come from the page's metadata rather than its main text. */
export type PageMeta = Pick<Extracted, 'title' | 'author' | 'publishedAt' | 'modifiedAt' | 'siteName' | 'langHint' | 'canonicalUrl' | 'leadImage'>;

function meta(info: PageInfo, ...keys: string[]): string | null {
  for (const key of keys) {
    const v = info.meta.get(key.toLowerCase());
    const n = v ? normalizeInline(v) : '';
    if (n) return n;
  }
  return null;
}

// Chinese sites join headline and site with a bare hyphen ("…城！-新华网").
const TITLE_SEPARATORS = /\s+[|\-–—·•:»«]\s+|\s*[|_｜]\s*|\s+::\s+|\s*-{2,}\s*|(?<=[\p{Script=Han}！？。”」』）])[-—](?=\p{Script=Han})/u;

/** The headline and the site name a title carries ("Storm hits coast | Daily Planet"), when it carries one. */
export function splitTitle(title: string, siteName: string | null, h1: string | null): { title: string; site: string | null } {
  const t = stripSiteName(title, siteName, h1);
  if (t === title) return { title, site: null };
  const rest = title.replace(t, '').replace(TITLE_SEPARATORS_START, '').replace(TITLE_SEPARATORS_END, '').trim();
  return { title: t, site: rest && rest.length <= 40 ? rest : null };
}

/** The title without a leading or trailing site name ("Storm hits coast | Daily Planet" → "Storm hits coast"). */
function stripSiteName(title: string, siteName: string | null, h1: string | null): string {
  if (h1 && h1.length >= 10 && title.includes(h1)) return h1;
  const parts = title.split(TITLE_SEPARATORS);
  if (parts.length < 2) return title;
  const site = siteName?.toLowerCase();
  const first = parts[0]!.trim();
  const last = parts[parts.length - 1]!.trim();
  if (site && last.toLowerCase() === site) return title.slice(0, title.lastIndexOf(last)).replace(TITLE_SEPARATORS_END, '').trim();
  if (site && first.toLowerCase() === site) return title.slice(first.length).replace(TITLE_SEPARATORS_START, '').trim();
  const rest = title.slice(0, title.lastIndexOf(last)).replace(TITLE_SEPARATORS_END, '').trim();
  // A short trailing part is a site or section name when what stays is still a real headline.
  const short = cjkRatio(last) > 0.5 ? last.length <= 10 : last.split(/\s+/).length <= 4;
  const restLongEnough = cjkRatio(rest) > 0.5 ? rest.length >= 6 : rest.split(/\s+/).length >= 2;
  return short && restLongEnough ? rest : title;
}
const TITLE_SEPARATORS_END = /(\s+[|\-–—·•:»«]|\s*[|_｜]|\s+::|\s*-{2,}|(?<=[\p{Script=Han}！？。”」』）])[-—])\s*$/u;
const TITLE_SEPARATORS_START = /^\s*(-{2,}|[|\-–—·•:»«_｜]|::)\s*/;

function cleanAuthor(v: string | null): string | null {
  if (!v) return null;
  if (/^https?:\/\//i.test(v)) return null;
  const n = normalizeInline(v.replace(/^(by|von|par|por|作者|文|撰文)\s*[:：|]?\s*/i, ''));
  return n && n.length <= 120 ? n : null;
}

function langOf(info: PageInfo): string | null {
  const raw = info.lang ?? meta(info, 'og:locale', 'content-language', 'language', 'dc.language');
  if (!raw) return null;
  const tag = raw.trim().replace(/_/g, '-').split(/[,;\s]/)[0]!;
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag) ? tag : null;
}

// Hosts whose pages give Beijing time without saying so: the .cn zone and large Chinese platforms on .com.
const CHINA_HOSTS = /(\.cn|(^|\.)(qq|weibo|163|sohu|sina|ifeng|toutiao|thepaper|caixin|zhihu|people|xinhuanet|chinadaily)\.com)$/;

/** The offset for dates that carry none: the rule's, else the time zone the page's language or host suggests. */
export function defaultOffset(lang: string | null, url: string | undefined, sample: string, rule: SiteRule | null): string {
  if (rule?.timeZone) return rule.timeZone;
  const l = lang?.toLowerCase() ?? '';
  if (l.startsWith('ja') || l.startsWith('ko')) return '+09:00';
  if (l.startsWith('zh')) return '+08:00';
  if (CHINA_HOSTS.test(hostnameOf(url) ?? '')) return '+08:00';
  return cjkRatio(sample) > 0.3 && !l ? '+08:00' : '+00:00';
}

/** A byline date from elements named like a date or time ("2025年2月12日 10:30", "12.03.2024, 14:05"). */
function bylineDate(info: PageInfo, offset: string): string | null {
  for (const t of info.dateTexts) {
    const d = parseDate(t, offset);
    if (d) return d;
  }
  return null;
}

const LABELLED_DATE = /(?:发布时间|发表时间|发布日期|更新时间|时间|日期|Published(?: on)?|Posted(?: on)?|Veröffentlicht(?: am)?|Publié le|Publicado(?: el)?)\s*[:：]?\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}(?:,?\s*\d{1,2}:\d{2})?|[A-Z][a-z]+\.? \d{1,2},? \d{4})/;

/** A date the page's text labels as the publish time near its top ("发布时间：2023-07-01 10:30"). */
function labelledDate(sample: string, offset: string): string | null {
  const m = sample.match(LABELLED_DATE);
  return m ? parseDate(m[1], offset) : null;
}

/** Reads the page's metadata; `$` is needed only when the site rule has selectors. */
export function readMeta(
  info: PageInfo,
  $: () => CheerioAPI,
  url: string | undefined,
  rule: SiteRule | null,
  ld: JsonLdArticle | null,
  sample: string,
): PageMeta {
  const base = info.baseHref ?? url;
  const langHint = langOf(info);
  const offset = defaultOffset(langHint, url, sample, rule);
  const vars = rule?.scriptVars ?? {};
  const fromRule = (selector: string | undefined) => (selector ? selectValue($(), selector) : null);
  const fromScript = (name: string | undefined) => (name ? scriptVar(info.scripts, name) : null);
  const siteName = fromRule(rule?.siteName) ?? fromScript(vars.siteName) ?? meta(info, 'og:site_name', 'application-name') ?? ld?.publisher ?? null;
  const h1 = info.h1s.length === 1 ? info.h1s[0] || null : null;
  const rawTitle =
    fromRule(rule?.title) ?? fromScript(vars.title) ?? meta(info, 'og:title', 'twitter:title', 'headline', 'dc.title') ?? ld?.headline ?? (info.title || h1);
  const split = rawTitle ? splitTitle(rawTitle, siteName, h1) : null;
  const titleSite = info.title && !split?.site ? splitTitle(info.title, siteName, h1).site : split?.site;
  const title = split?.title ?? null;
  const site = siteName ?? titleSite ?? null;
  const author = cleanAuthor(
    fromRule(rule?.author) ??
      fromScript(vars.author) ??
      meta(info, 'author', 'article:author', 'dc.creator', 'byl', 'sailthru.author', 'parsely-author') ??
      ld?.author ??
      info.authorTexts[0] ??
      null,
  );
  const dateText =
    fromScript(vars.date) ??
    fromRule(rule?.date) ??
    meta(info, 'article:published_time', 'og:article:published_time', 'datepublished', 'pubdate', 'publishdate', 'publish-date', 'publish_date', 'dc.date.issued', 'dcterms.created', 'dc.date', 'sailthru.date', 'parsely-pub-date', 'date', 'weibo:article:create_at') ??
    ld?.datePublished ??
    info.times[0] ??
    null;
  const publishedAt = parseDate(dateText, offset) ?? bylineDate(info, offset) ?? labelledDate(sample, offset);
  const modifiedAt = parseDate(meta(info, 'article:modified_time', 'og:updated_time', 'datemodified', 'last-modified', 'dcterms.modified') ?? ld?.dateModified, offset);
  const canonical = info.canonical ?? meta(info, 'og:url');
  const lead = meta(info, 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src') ?? ld?.image ?? null;
  return {
    title: title || null,
    author,
    publishedAt,
    modifiedAt,
    siteName: site,
    langHint,
    canonicalUrl: canonical ? absoluteUrl(canonical, base) : null,
    leadImage: lead ? absoluteUrl(lead, base) : null,
  };
}
