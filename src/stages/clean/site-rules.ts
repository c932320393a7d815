// The site-rule table: per-host selectors for body, removals and metadata, built-in rules merged with the user's.
import type { CheerioAPI } from 'cheerio';
import { hostnameOf } from '../../domain/canonical-url.js';
import type { CleanConfig, SiteRule } from './config.js';
import { normalizeInline } from './text.js';

/** WeChat public-account articles: the body ships hidden in #js_content and the page carries account chrome. */
const WECHAT: SiteRule = {
  body: '#js_content',
  remove: [
    '#js_pc_qr_code', '.qr_code_pc_outer', '.qr_code_pc', '#js_profile_qrcode', '.rich_media_tool', '#js_tags',
    '.original_area_primary', '.reward_area', '#content_bottom_area', '.wx_profile_card_inner', 'mp-common-profile',
    '.js_uneditable', '#js_share_notice', '.rich_media_area_extra', '.weui-dialog', '#js_sponsor_ad_area',
    '.mp_profile_iframe_wrp', '.js_product_container', 'mpvoice', 'qqmusic', 'mp-miniprogram', '.js_banner_container',
  ],
  title: 'meta[property="og:title"], #activity-name, .rich_media_title',
  author: 'meta[name="author"], #js_author_name',
  siteName: '#js_name, .profile_nickname, .wx_follow_nickname',
  scriptVars: { date: 'ct, create_time', siteName: 'nickname', title: 'msg_title' },
  timeZone: '+08:00',
};

export const BUILTIN_SITE_RULES: Readonly<Record<string, SiteRule>> = { 'mp.weixin.qq.com': WECHAT };

/** The rule for a URL's host: an exact key first, then the longest key the host is a subdomain of. */
export function findSiteRule(url: string | undefined, config: Pick<CleanConfig, 'siteRules'> | undefined): SiteRule | null {
  const host = hostnameOf(url);
  if (!host) return null;
  const table: Record<string, SiteRule> = { ...BUILTIN_SITE_RULES, ...(config?.siteRules ?? {}) };
  let best: { key: string; rule: SiteRule } | null = null;
  for (const [key, rule] of Object.entries(table)) {
    const k = key.toLowerCase();
    if (host === k || host.endsWith(`.${k}`)) {
      if (!best || k.length > best.key.length) best = { key: k, rule };
    }
  }
  return best?.rule ?? null;
}

/** The first non-empty value a selector list yields: meta `content`, `datetime`, or the element's text. */
export function selectValue($: CheerioAPI, selector: string | undefined): string | null {
  if (!selector) return null;
  for (const part of selector.split(',')) {
    let found: string | null = null;
    $(part.trim()).each((_, el) => {
      const e = $(el);
      const v = e.attr('content') ?? e.attr('datetime') ?? e.text();
      const n = normalizeInline(v ?? '');
      if (n) {
        found = n;
        return false;
      }
      return undefined;
    });
    if (found) return found;
  }
  return null;
}

const JS_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '', '"': '"', "'": "'", '\\': '\\', '/': '/' };

/**
 * The string value assigned to a variable in inline scripts (`var ct = "1739318400"`, `nickname = htmlDecode("…")`);
 * `names` may list several, comma-separated, tried in order.
 */
export function scriptVar(scripts: readonly string[], names: string): string | null {
  for (const name of names.split(',').map((n) => n.trim()).filter(Boolean)) {
    const value = oneScriptVar(scripts, name);
    if (value) return value;
  }
  return null;
}

function oneScriptVar(scripts: readonly string[], name: string): string | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(String.raw`(?:^|[\s;,{(.])${escaped}\s*[:=]\s*(?:htmlDecode\()?\s*(["'])((?:\\.|(?!\1)[^\\\n])*)\1`);
  for (const script of scripts) {
    const m = script.match(re);
    if (m && m[2]) {
      const value = m[2]
        .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
        .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
        .replace(/\\(.)/g, (_, c: string) => JS_ESCAPES[c] ?? c);
      const decoded = decodeBasicEntities(value).trim();
      if (decoded) return decoded;
    }
  }
  return null;
}

function decodeBasicEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}
