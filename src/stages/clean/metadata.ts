// Page metadata: title without the site suffix, byline, dates with zone, site name, language, canonical URL, lead image.
import { domainToUnicode } from 'node:url';
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

// Separators between a headline and a site or section name. Strong ones ("|", " · ", " » ", "--", a spaced "_", a "_"
// beside Han) almost never occur inside a headline. Weak ones (" - ", " – ", " — ", " : ", " / ", a bare hyphen between
// Han: "…城！-新华网") often do, so the part after one is dropped only when it is known to name the site.
const CJK_EDGE = String.raw`[\p{Script=Han}！？。”」』）》]`;
const SEPARATOR = new RegExp(
  String.raw`(\s*[|｜]\s*|\s+(?:::|[·•»«›‹])\s+|\s*-{2,}\s*|\s+_\s+|(?<=${CJK_EDGE})_|_(?=\p{Script=Han}))` +
    String.raw`|\s+[-–—:/]\s+|(?<=${CJK_EDGE})[-–—](?=[\p{Script=Han}“「『（《])`,
  'gu',
);
// Chinese site names end like this ("新华网", "澎湃新闻", "IT之家"); a headline half rarely does.
const CJK_SITE = /^\S{2,12}(网|網|报|報|新闻|新聞|在线|频道|客户端|网站|财经|时报|周刊|杂志|电视台|之家|博客|论坛|百科|知乎|头条|官网)$/u;
const DOMAIN = /^(?:www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}$/iu;
const STOPWORDS = new Set(['the', 'a', 'der', 'die', 'das', 'le', 'la', 'les', 'el', 'los', 'il', 'lo', 'de', 'of', 'and', 'und', 'et']);

/** What tells a site name apart in a title. `declared` names (og:site_name and the like) rule out guessing. */
export interface SiteHints {
  declared?: string | null;
  /** Other names the site goes by: twitter:site, publisher, copyright, the host ("www.nytimes.com"). */
  aliases?: readonly (string | null | undefined)[];
  host?: string | null;
  /** The title is an og:title-like headline, which normally carries no site name: never guess. */
  headline?: boolean;
}

// Folded forms: no case, accents or punctuation; German umlauts also as "ae" so "Süddeutsche" meets "sueddeutsche".
const foldForms = (s: string): string[] => {
  const lower = s.normalize('NFC').toLowerCase();
  const plain = (t: string) => t.normalize('NFKD').replace(/\p{M}/gu, '');
  const de = lower.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
  return de === lower ? [plain(lower)] : [plain(lower), plain(de)];
};
const compact = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '');
const words = (s: string) => s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * `name` spelled by consecutive whole words of `text` ("cnn" in "CNN Politics", "spiegel" in "DER SPIEGEL"), a plural or
 * possessive "s" allowed; `extra` is how many other words (articles aside) `text` may have.
 */
function spelledByRun(name: string, text: string[], extra: number): boolean {
  if (name.length < 3 && text.length > 1) return false;
  const others = (i: number, j: number) => text.filter((w, k) => (k < i || k > j) && !STOPWORDS.has(w)).length;
  for (let i = 0; i < text.length; i++) {
    let run = '';
    for (let j = i; j < text.length && run.length <= name.length; j++) {
      run += text[j];
      if (run === name || run === `${name}s`) return others(i, j) <= extra;
    }
  }
  return false;
}

/** `name` spelled by every word of `text` in order, each whole or by its capital initial ("nytimes", "The New York Times"). */
function abbreviates(name: string, text: string[], caps: boolean[]): boolean {
  const go = (i: number, w: number): boolean => {
    if (w === text.length) return i === name.length;
    const word = text[w]!;
    if (STOPWORDS.has(word) && go(i, w + 1)) return true;
    if (name.startsWith(word, i) && go(i + word.length, w + 1)) return true;
    return caps[w]! && name[i] === word[0] && go(i + 1, w + 1);
  };
  return text.length >= 2 && text.length <= 6 && go(0, 0);
}

/**
 * Whether two strings name the same site, compared folded: "DER SPIEGEL" ~ "spiegel", "The Guardian" ~ "theguardian",
 * "The New York Times" ~ "nytimes". `extra` words beside the name are allowed ("CNN Politics" ~ "cnn" with 1).
 */
export function sameSite(a: string, b: string, extra = 2): boolean {
  for (const [x, y] of [[a, b], [b, a]] as const) {
    const caps = words(y.normalize('NFC')).map((w) => /^\p{Lu}/u.test(w));
    for (const fx of foldForms(x)) {
      const name = compact(fx);
      if (!name) continue;
      for (const fy of foldForms(y)) {
        const ws = words(fy);
        if (spelledByRun(name, ws, extra) || abbreviates(name, ws, caps)) return true;
      }
    }
  }
  return false;
}

// Host labels that say nothing about the site, and second-level labels of country domains ("co.uk", "gv.at").
const GENERIC_LABEL = /^(www\d?|m|amp|mobile|en|de|fr|es|it|edition|news|blog|blogs|web|home|beta|archive)$/;
const SECOND_LEVEL = /^(co|com|net|org|gov|gv|gob|gouv|govt|edu|ac|or|ne|go|mil|int|ltd|plc|sch|nic|nhs)$/;

/** The labels a host is known by: ["nytimes"] for www.nytimes.com, ["seglerblog", "stössenseer"] for seglerblog.stössenseer.de. */
function hostLabels(host: string | null | undefined): string[] {
  if (!host || /^[\d.:[\]]+$/.test(host)) return [];
  const labels = domainToUnicode(host).toLowerCase().split('.').filter(Boolean);
  labels.pop();
  if (labels.length >= 2 && SECOND_LEVEL.test(labels[labels.length - 1]!)) labels.pop();
  return labels.filter((l, i) => i === labels.length - 1 || (l.length >= 4 && !GENERIC_LABEL.test(l)));
}

/** Every piece of a hyphenated host label begins a word of `part` ("leichtathletik-berlin" ~ "Berliner Leichtathletik Verband"). */
function hasLabelPieces(part: string, label: string): boolean {
  const pieces = label.split('-').filter((p) => p.length >= 3);
  if (pieces.length < 2) return false;
  const ws = foldForms(part).flatMap(words);
  return ws.length <= 8 && pieces.every((p) => foldForms(p).some((fp) => ws.some((w) => w.startsWith(fp))));
}

/** Whether a title part names the site; `strict` allows no words beside the name (for a leading part). */
function namesSite(part: string, hints: SiteHints, strict = false): boolean {
  const extra = strict ? 0 : 2;
  const names = [hints.declared, ...(hints.aliases ?? [])].filter((n): n is string => !!n).map((n) => n.replace(/^@/, ''));
  if (names.some((n) => sameSite(part, n, extra))) return true;
  return hostLabels(hints.host).some((l) => sameSite(part, l, extra) || (!strict && hasLabelPieces(part, l)));
}

const isCjk = (s: string) => cjkRatio(s) > 0.5;
const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;
const isShort = (s: string) => (isCjk(s) ? s.length <= 12 : wordCount(s) <= 4);
const isHeadline = (s: string) => (isCjk(s) ? s.length >= 6 : wordCount(s) >= 2);
/** A trailing time stamp ("… : 31.10.2023, 10.19 Uhr") is no part of a headline. */
const isTimestamp = (s: string) => s.length <= 40 && (s.match(/\p{L}+/gu)?.length ?? 0) <= 3 && parseDate(s) !== null;
const DANGLING = /^\s*[|｜·•]+\s*|\s*[|｜·•]+\s*$|\s+[-–—_:]+$|^[-–—_:]+\s+/gu;

/** The headline and the site name a title carries ("Storm hits coast | Daily Planet"), when it carries one. */
export function splitTitle(raw: string, siteName: string | null, h1: string | null, hints: SiteHints = {}): { title: string; site: string | null } {
  const h: SiteHints = { ...hints, declared: hints.declared ?? siteName };
  // One space between words keeps the separator patterns linear.
  const title = raw.replace(/\s+/g, ' ').replace(DANGLING, '').trim() || raw;
  if (h1 && h1.length >= 10 && title !== h1 && title.includes(h1) && !namesSite(h1, h)) {
    return { title: h1, site: endPart(title, h1) };
  }
  const seps = [...title.matchAll(SEPARATOR)].filter((m) => m.index > 0 && m.index + m[0].length < title.length);
  if (seps.length === 0) return { title, site: null };
  const partAfter = (k: number) => title.slice(seps[k]!.index + seps[k]![0].length, seps[k + 1]?.index ?? title.length).trim();
  const before = (k: number) => title.slice(0, seps[k]!.index).trim();
  // The declared name may have separators of its own: "… — Herz und Blut - Interior | Design".
  const declared = h.declared ? compact(foldForms(h.declared)[0]!) : '';
  for (let k = seps.length - 1; k >= 0 && declared; k--) {
    const suffix = title.slice(seps[k]!.index + seps[k]![0].length).trim();
    if (suffix.length > 2 * declared.length + 20) break;
    if (compact(foldForms(suffix)[0]!) === declared) return { title: before(k), site: suffix };
  }
  // The site's part may be followed by a tagline: "Gift Guide | Journelles | Jetzt entdecken!".
  for (let k = seps.length - 1; k >= Math.max(0, seps.length - 2); k--) {
    const part = partAfter(k);
    if (namesSite(part, h)) return { title: before(k), site: part };
    if (k === seps.length - 1 && isTimestamp(part)) return { title: before(k), site: null };
  }
  const head = title.slice(0, seps[0]!.index).trim();
  if (namesSite(head, h, true)) return { title: title.slice(seps[0]!.index + seps[0]![0].length).trim(), site: head };
  // Guessing is for a page's <title> on a site that does not say its name.
  if (h.headline || h.declared) return { title, site: null };
  const last = seps[seps.length - 1]!;
  const tail = partAfter(seps.length - 1);
  const rest = before(seps.length - 1);
  const strong = last[1] !== undefined || DOMAIN.test(tail) || CJK_SITE.test(tail);
  return strong && isShort(tail) && isHeadline(rest) ? { title: rest, site: tail } : { title, site: null };
}

/** What a title carries besides `headline` at its start or end, when that is one separated part ("… | Site" → "Site"). */
export function endPart(title: string, headline: string): string | null {
  const rest = title.startsWith(headline) ? title.slice(headline.length) : title.endsWith(headline) ? title.slice(0, -headline.length) : null;
  if (!rest) return null;
  const seps = [...rest.matchAll(SEPARATOR)];
  if (seps.length !== 1) return null;
  const part = rest.replace(SEPARATOR, '').trim();
  return part && part.length <= 40 ? part : null;
}

// A by-line prefix needs its delimiter: "By Jane Doe" and "文/林远" lose it, "Byron York" and "文刀" do not.
const BYLINE_PREFIX =
  /^(?:(?:(?:written|posted|reported|geschrieben|verfasst|écrit|escrit[oa]|publicado)\s+)?(?:by|von|par|por|door|przez|av)(?:\s*[:：|]\s*|\s+|$)|(?:作者|撰文|记者|編輯|编辑|撰稿|文|图文|文字)\s*[:：|｜/]\s*|(?:作者|撰文|记者)\s+)/iu;

/** An author name from a meta value or by-line; null for what is not a name (profile URLs, link labels, too long). */
export function cleanAuthor(v: string | null | undefined): string | null {
  if (!v) return null;
  if (/^(?:https?:\/\/|www\.|[\w-]+(?:\.[\w-]+)+\/)/i.test(v.trim()) || /[→←»«›‹]/.test(v)) return null;
  const n = normalizeInline(normalizeInline(v).replace(BYLINE_PREFIX, ''));
  // A by-line element's text may run on into the date: "Die Tagespresse 31. Oktober 2023".
  return n && n.length <= 120 && parseDate(n) === null ? n : null;
}

/**
 * The first candidate that is a name: a profile URL does not hide the next one, and the site's own name or a domain
 * ("Daily Planet", "lecker.de") is taken only when no candidate names a person.
 */
function firstAuthor(candidates: readonly (string | null | undefined)[], siteName: string | null): string | null {
  const site = siteName ? compact(foldForms(siteName)[0]!) : null;
  let fallback: string | null = null;
  for (const c of candidates) {
    const a = cleanAuthor(c);
    if (!a) continue;
    if (!DOMAIN.test(a) && compact(foldForms(a)[0]!) !== site) return a;
    fallback ??= a;
  }
  return fallback;
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
  const headline = fromRule(rule?.title) ?? fromScript(vars.title) ?? meta(info, 'og:title', 'twitter:title', 'headline', 'dc.title') ?? ld?.headline ?? null;
  const docTitle = info.title || null;
  const rawTitle = headline ?? docTitle ?? h1;
  const pageUrl = url ?? absoluteUrl(info.canonical ?? meta(info, 'og:url') ?? '', base);
  const hints: SiteHints = {
    declared: siteName,
    aliases: [meta(info, 'twitter:site'), meta(info, 'publisher', 'dc.publisher'), meta(info, 'copyright')],
    host: hostnameOf(pageUrl),
    // An og:title that only repeats the <title> is a document title like any other.
    headline: headline !== null && !(docTitle !== null && headline === docTitle),
  };
  const split = rawTitle ? splitTitle(rawTitle, siteName, h1, hints) : null;
  const title = split?.title ?? null;
  const titleSite = split?.site ?? (docTitle && title ? endPart(docTitle, title) ?? splitTitle(docTitle, siteName, h1, { ...hints, headline: false }).site : null);
  const site = siteName ?? titleSite ?? null;
  const authorKeys = ['author', 'article:author', 'dc.creator', 'byl', 'sailthru.author', 'parsely-author'];
  const author = firstAuthor(
    [fromRule(rule?.author), fromScript(vars.author), ...authorKeys.map((k) => meta(info, k)), ld?.author, ...info.authorTexts],
    site,
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
