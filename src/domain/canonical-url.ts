// Canonical URLs: one spelling per article, so the same page reached through tracking links is recognised.

/** Click, campaign and share trackers: never part of what a page is. */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'ttclid', 'twclid', 'igshid', 'igsh',
  'mc_cid', 'mc_eid', 'mkt_tok', '_hsenc', '_hsmi', 'hsctatracking', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'wickedid',
  'ref_src', 'ref_url', 'spm', 'scm', 'cmpid', 'ocid', 's_cid', 'at_medium', 'at_campaign', 'sr_share', 'share_token',
  // WeChat share and session parameters, which WeChat also appends to other sites' links shared in it
  'chksm', 'scene', 'subscene', 'sessionid', 'clicktime', 'enterid', 'isappinstalled', 'ascene', 'pass_ticket', 'wx_header',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'matomo_', 'hmsr', 'vn_'];
/** `from` is a tracker only with the values WeChat gives it when a link is shared; elsewhere it may select content. */
const WECHAT_SHARE_FROM = new Set(['singlemessage', 'groupmessage', 'timeline', 'message']);
const WECHAT_KEEP = ['__biz', 'mid', 'idx', 'sn'];
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function isTracking(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (lower === 'from') return WECHAT_SHARE_FROM.has(value.toLowerCase());
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p));
}

/** Percent-encodes a query value but keeps the characters that are safe there, so WeChat's `__biz=...==` stays readable. */
function encodeValue(v: string): string {
  return encodeURIComponent(v).replace(/%(3D|2F|3A|40|2C|7E|24)/g, (m) => decodeURIComponent(m));
}

const byNameThenValue = ([a, av]: [string, string], [b, bv]: [string, string]) =>
  a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1;

/**
 * Lower-cases scheme and host, drops the default port, the fragment and tracking parameters, sorts the rest;
 * WeChat article URLs keep only __biz, mid, idx and sn (the short form /s/<id> keeps none). Returns the input
 * trimmed and unchanged when it is not an http(s) URL.
 */
export function canonicalizeUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return input.trim();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.href;
  url.hash = '';
  if (url.port === DEFAULT_PORTS[url.protocol]) url.port = '';
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  const params = [...url.searchParams.entries()];
  const isWechat = url.hostname === 'mp.weixin.qq.com' && (url.pathname === '/s' || url.pathname.startsWith('/s/') || url.pathname.startsWith('/s?'));
  const kept = isWechat
    ? WECHAT_KEEP.flatMap((k) => params.filter(([n]) => n === k))
    : params.filter(([n, v]) => !isTracking(n, v)).sort(byNameThenValue);
  url.search = kept.map(([k, v]) => `${encodeURIComponent(k)}=${encodeValue(v)}`).join('&');
  if (isWechat) url.protocol = 'https:';
  return url.href;
}

/** The page's own `<link rel=canonical>` when it is a usable http(s) URL on the web, else the fetched URL; canonicalized. */
export function chooseCanonicalUrl(pageUrl: string, declared: string | null | undefined): string {
  if (declared) {
    try {
      const resolved = new URL(declared.trim(), pageUrl);
      if ((resolved.protocol === 'http:' || resolved.protocol === 'https:') && resolved.hostname.includes('.')) {
        return canonicalizeUrl(resolved.href);
      }
    } catch {
      // an unparsable canonical link is ignored, as browsers and search engines do
    }
  }
  return canonicalizeUrl(pageUrl);
}

/** A host name without its "www.": the site that rules, dedupe and canonical links compare. */
export function siteOf(host: string): string {
  return host.replace(/^www\./, '');
}

/** The host name of a URL (lower case, no port), or null when it is missing or not a URL. */
export function hostnameOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}
