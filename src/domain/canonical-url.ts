// Canonical URLs: one spelling per article, so the same page reached through tracking links is recognised.

const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'msclkid', 'yclid', 'igshid', 'mc_cid', 'mc_eid', 'spm', 'ref_src', '_hsenc', '_hsmi',
  // WeChat share and session parameters
  'chksm', 'scene', 'subscene', 'sessionid', 'from', 'clicktime', 'enterid', 'ascene', 'devicetype', 'version', 'nettype',
  'lang', 'pass_ticket', 'wx_header', 'exportkey', 'key', 'uin', 'abtest_cookie', 'poc_token', 'realreporttime', 'share_token',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_'];
const WECHAT_KEEP = ['__biz', 'mid', 'idx', 'sn'];

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p));
}

/**
 * Lower-cases scheme and host, drops the default port, the fragment and tracking parameters, sorts the rest;
 * WeChat article URLs keep only __biz, mid, idx and sn. Returns the input unchanged when it is not a URL.
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
  const params = [...url.searchParams.entries()];
  const isWechat = url.hostname === 'mp.weixin.qq.com' && url.pathname.startsWith('/s');
  const kept = isWechat
    ? WECHAT_KEEP.flatMap((k) => params.filter(([n]) => n === k))
    : params.filter(([n]) => !isTracking(n)).sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  url.search = '';
  for (const [k, v] of kept) url.searchParams.append(k, v);
  if (isWechat) url.protocol = 'https:';
  return url.href;
}
