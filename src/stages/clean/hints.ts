// What class and id names say about a block: site authors name content "article-body" and chrome "share-bar".

const NEGATIVE = new Set([
  'comment', 'comments', 'commentlist', 'kommentar', 'kommentare', 'disqus', 'replies', 'respond', 'share', 'shares',
  'sharing', 'sharebar', 'shariff', 'social', 'socials', 'related', 'recommended', 'recommendations', 'recirculation',
  'newsletter', 'subscribe', 'subscription', 'cookie', 'cookies', 'consent', 'gdpr', 'ad', 'ads', 'advert',
  'advertisement', 'advertising', 'werbung', 'anzeige', 'sponsor', 'sponsored', 'promo', 'promotion', 'breadcrumb',
  'breadcrumbs', 'pagination', 'pager', 'sidebar', 'widget', 'widgets', 'footer', 'navbar', 'nav', 'navigation',
  'menu', 'topbar', 'toolbar', 'masthead', 'popup', 'modal', 'overlay', 'outbrain', 'taboola', 'tags', 'tagcloud',
  'taglist', 'meta', 'byline', 'author', 'authors', 'copyright', 'skip', 'skiplink', 'community', 'trending', 'popular',
  'mostread', 'mostpopular', 'ticker', 'follow', 'rss', 'login', 'signup', 'print', 'sr', 'visually', 'screen',
  'pinglun', 'fenxiang', 'tuijian', 'xiangguan', 'banner', 'teaser', 'teasers', 'rating', 'shopping', 'sponsoredlinks',
]);

const POSITIVE = new Set([
  'article', 'articlebody', 'article_body', 'body', 'content', 'entry', 'hentry', 'main', 'post', 'text', 'blog', 'story',
  'storybody', 'artikel', 'inhalt', 'detail', 'rich', 'js_content', 'news', 'single', 'column', 'page', 'prose',
]);

// Tokens that name content even when a negative token is present too ("article-body has-share").
const STRONG_POSITIVE = /(?:^|[\s_-])(article-?body|article-?content|entry-content|post-?content|post-?body|story-?body|articlebody|main-?content|js_content|rich_media_content)(?:$|[\s_-])/;

function tokens(name: string): string[] {
  return name.split(/[^a-z0-9]+/).filter(Boolean);
}

/** True when a class or id names page chrome (comments, share bars, related lists, ads, navigation, ...). */
export function isNegativeName(name: string): boolean {
  if (!name || STRONG_POSITIVE.test(name)) return false;
  return tokens(name).some((t) => NEGATIVE.has(t));
}

/** Readability-style weight of a class/id: +25 for content names, -25 for chrome names. */
export function nameWeight(name: string): number {
  if (!name) return 0;
  if (STRONG_POSITIVE.test(name)) return 40;
  let w = 0;
  const ts = tokens(name);
  if (ts.some((t) => NEGATIVE.has(t))) w -= 25;
  if (ts.some((t) => POSITIVE.has(t))) w += 25;
  return w;
}
