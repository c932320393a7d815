// What class and id names say about a block: site authors name content "article-body" and chrome "share-bar".
// Each class name is read on its own, and its last meaningful word decides ("post-meta" is chrome, "meta-content"
// content); some words name chrome wherever they stand ("comment-content" is a comment).

/** Words that mark chrome wherever they appear in a name. */
const STRONG_NEGATIVE = new Set([
  'comment', 'comments', 'commentlist', 'kommentar', 'kommentare', 'disqus', 'replies', 'respond', 'share', 'shares',
  'sharing', 'sharebar', 'shariff', 'social', 'socials', 'related', 'recommended', 'recommendations', 'recirculation',
  'newsletter', 'subscribe', 'subscription', 'cookie', 'cookies', 'consent', 'gdpr', 'advert', 'advertisement',
  'advertising', 'werbung', 'anzeige', 'sponsor', 'sponsored', 'promo', 'breadcrumb', 'breadcrumbs', 'pagination',
  'outbrain', 'taboola', 'pinglun', 'fenxiang', 'tuijian', 'xiangguan', 'sponsoredlinks', 'mostread', 'mostpopular',
]);

/** Words that mark chrome when they are the head of the name. */
const NEGATIVE = new Set([
  'ad', 'ads', 'promotion', 'pager', 'sidebar', 'widget', 'widgets', 'footer', 'navbar', 'nav', 'navigation', 'menu',
  'topbar', 'toolbar', 'masthead', 'popup', 'modal', 'overlay', 'tags', 'tagcloud', 'taglist', 'meta', 'byline', 'author',
  'authors', 'copyright', 'skip', 'skiplink', 'community', 'trending', 'popular', 'ticker', 'follow', 'rss', 'login',
  'signup', 'print', 'sr', 'visually', 'screen', 'banner', 'teaser', 'teasers', 'rating', 'shopping', 'hidden', 'dropdown',
  'factbox', 'infobox', 'callout', 'aside', 'kasten', 'kastenbox', 'linkbox', 'disclaimer', 'disclosure', 'newsticker',
]);

const POSITIVE = new Set([
  'article', 'articlebody', 'body', 'content', 'entry', 'hentry', 'main', 'post', 'text', 'blog', 'story', 'storybody',
  'artikel', 'inhalt', 'detail', 'rich', 'news', 'single', 'prose', 'page', 'beitrag', 'zhengwen', 'wenzhang', 'con',
]);

/** Words of blocks that hold much prose yet never the article (discussion threads, sidebars). */
const COMMENT_WORDS = new Set(['comment', 'comments', 'commentlist', 'kommentar', 'kommentare', 'disqus', 'replies', 'respond', 'pinglun']);

// Compound tokens ("postmetadata", "sociable", "textwidget", "artdetailautor") by their stems.
const COMMENT_STEM = /comment(?!ary)|kommentar|disqus/;
const STRONG_STEM = /share|sharing|social|sociable|related|newsletter|cookie|consent|captcha|affiliate|recommend|breadcrumb|pagination/;
const NEGATIVE_STEM = /widget|rating|metadata|postmeta|author|autor|byline|teaser/;

export type NameVerdict = 'comments' | 'strong-negative' | 'negative' | 'positive' | 'neutral';

/** Author boxes under articles: the bio is prose, so the name has to say it ("author-box__content"). */
const AUTHOR_BOX = /author[-_]*(box|bio|info|desc|about|card|profile|details)|about[-_]*(the[-_]*)?author|autor(en)?[-_]*(box|info|bio|text)|saboxplugin|bio[-_]*box/;

function nameVerdict(name: string): NameVerdict {
  if (AUTHOR_BOX.test(name)) return 'strong-negative';
  const tokens = name.split(/[^a-z0-9]+/).filter(Boolean);
  let lastNeg = -1;
  let lastPos = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (COMMENT_WORDS.has(t)) return 'comments';
    if (STRONG_NEGATIVE.has(t)) return 'strong-negative';
    if (NEGATIVE.has(t)) lastNeg = i;
    else if (POSITIVE.has(t)) lastPos = i;
    else if (t.length > 5) {
      // A compound is weaker evidence than a word of its own ("documentcontent__sharingcontainer" wraps articles).
      if (COMMENT_STEM.test(t) || STRONG_STEM.test(t) || NEGATIVE_STEM.test(t)) lastNeg = i;
    }
  }
  if (lastNeg < 0) return lastPos >= 0 ? 'positive' : 'neutral';
  return lastPos > lastNeg ? 'positive' : 'negative';
}

const TAXONOMY = /^(category|tag|tags|topic|rubrik|ressort)-[a-z0-9-]+$/;

/**
 * The verdict of all class names and the id together: comment and sidebar words first, then strong chrome words;
 * either weakens to a plain negative next to a content name ("entry share"), so the prose guard can keep it.
 */
export function classify(classAndId: string): NameVerdict {
  if (!classAndId.trim()) return 'neutral';
  let always = false;
  let strong = false;
  let positive = false;
  let negative = false;
  for (const name of classAndId.split(/\s+/)) {
    // CMS taxonomy classes ("category-comments", "tag-social-media") name the topic, not the block.
    if (!name || TAXONOMY.test(name)) continue;
    const v = nameVerdict(name);
    if (v === 'comments') always = true;
    else if (v === 'strong-negative') strong = true;
    else if (v === 'positive') positive = true;
    else if (v === 'negative') negative = true;
  }
  if (always) return positive ? 'negative' : 'comments';
  if (strong) return positive ? 'negative' : 'strong-negative';
  if (positive) return 'positive';
  return negative ? 'negative' : 'neutral';
}

// Names that publishers give the article body itself, compared with "-" and "_" removed ("article__content").
const BODY_NAMES = [
  'articlebody', 'articlecontent', 'articletext', 'entrycontent', 'postcontent', 'postbody', 'posttext', 'postentry',
  'storybody', 'storycontent', 'maincontent', 'bodytext', 'fieldbody', 'jscontent', 'richmediacontent',
  // Chinese publishing systems: TRS (government and party media), Sina, Sohu, People's Daily, generic pinyin.
  'trseditor', 'artibody', 'mpeditor', 'rmtxtcon', 'zhengwen',
];

/** True when a class or id is one publishers give the article body itself ("entry-content", "article__body"). */
export function isBodyName(name: string): boolean {
  if (!name) return false;
  for (const part of name.split(/\s+/)) {
    if (!part || TAXONOMY.test(part)) continue;
    const squashed = part.replace(/[-_]/g, '');
    // "comment-body" or "teaser-text" is not the article, whatever else the name says.
    if (COMMENT_STEM.test(squashed) || /teaser|related|sidebar|footer|caption/.test(squashed)) continue;
    if (BODY_NAMES.some((b) => squashed.includes(b))) return true;
  }
  return false;
}

/** Readability-style weight of a class/id: positive for content names, negative for chrome names. */
export function nameWeight(name: string): number {
  if (!name) return 0;
  if (isBodyName(name)) return 40;
  switch (classify(name)) {
    case 'comments':
    case 'strong-negative':
      return -50;
    case 'negative':
      return -25;
    case 'positive':
      return 25;
    default:
      return 0;
  }
}
