// Boilerplate lines at the edges of the body: follow prompts and source lines at the top, editor credits, copyright,
// QR promotions and "related articles" tails at the bottom. Built-in patterns for Chinese and English, plus config.
import type { CleanConfig } from './config.js';
import type { Block } from './render.js';

/** Lines dropped where they stand at the top or bottom edge of the body. */
const EDGE_LINES: RegExp[] = [
  /点击(上方|下方|蓝字|标题下)|关注(我们|公众号)|设为星标|置顶公众号/,
  /^原标题[:：]/, /^本文(来自|来源|转载自|转自|经授权)/, /^(文章)?来源[:：]/, /^(文|作者|撰文|编译|记者|通讯员)\s*[|｜:：/]/,
  /^[【\[（(]?\s*(责任编辑|责编|编辑|校对|审核|审校|排版|美编|监制|出品|策划|终审|值班编辑)\s*[:：|｜]/, /^(发布|发表|更新)?(时间|日期)\s*[:：]/, /版权声明|转载请注明|未经(授权|许可).{0,10}(转载|使用)|版权归.{0,12}所有/,
  /扫码关注|扫描.{0,6}二维码|长按.{0,6}(识别|扫描)?.{0,4}二维码|识别.{0,6}二维码|二维码.{0,10}(关注|加入)/, /知识星球/, /点个?[“"]?在看|^(点赞|分享|转发|在看)|分享.{0,4}朋友圈|转发.{0,6}(朋友圈|好友)|(点赞|在看).{0,3}(支持|鼓励)/,
  /^素材来源/, /^图片来源/, /^(图|图片|配图)\s*[|｜:：]/, /阅读原文/, /微信扫一扫/,
  /^sign up for (our|the) .{0,30}newsletter/i, /^share this (article|story|post)/i, /^advertisement$/i, /all rights reserved/i,
  /^(\(?reporting by .{0,200}editing by .{0,100}\)?)$/i, /^additional reporting by/i, /^(copyright|©)\s/i, /^©/,
  /^(follow|like) us on/i, /^(read|see) (more|also)\b/i, /^(related|recommended)( articles| stories| posts)?:?$/i,
  /^(click|tap) here to/i, /^subscribe (now|today|to)/i,
];

/** Lines that begin the page's tail: from such a line near the end, everything is dropped. */
const TAIL_STARTS: RegExp[] = [
  /^[-—–_=·•\s]*(the\s+)?end[-—–_=·•\s]*$/i, /^[-—–_=·•\s]*(完|全文完|（完）|\(完\))[-—–_=·•\s]*$/,
  /^[\s【\[「『]*(往期(推荐|回顾|精选|精彩)|推荐阅读|相关阅读|延伸阅读|热门推荐|精彩推荐|猜你喜欢|热文推荐|更多精彩|近期热文|精选文章|相关文章|历史文章)[\s】\]」』:：]*$/,
  /预览时标签不可点/, /继续滑动看下一个/,
  /^(related|recommended|more) (articles|stories|posts|reading|from|news)\b.{0,30}$/i, /^(you may|you might) also like/i,
  /^(read|see) more:?$/i,
];

/**
 * Short lines that are chrome wherever they stand: "read also" links in many languages, photo credits, lone dates.
 * They are tested only on lines of at most MAX_ANYWHERE_LINE characters.
 */
const ANYWHERE_LINES: RegExp[] = [
  /^(read|see) (more|also)\b/i, /^(related|more)( articles?| stories| posts| coverage)?:/i,
  /^(lesen sie (auch|mehr|hier)|mehr zum thema|mehr dazu|auch interessant|das könnte (dich|sie) auch interessieren|weitere (artikel|beiträge|meldungen)|empfohlene beiträge|ähnliche (artikel|beiträge)|zum thema:)/i,
  /^(lire aussi|à lire aussi|a lire aussi|voir aussi|lire la suite|à voir aussi)/i, /^(lea (también|más)|leer más|ver también|te puede interesar|lee también)/i,
  /^(czytaj (też|także|więcej)|zobacz (też|także))/i, /^(veja também|leia (também|mais))/i, /^leggi anche/i,
  /^(foto|fotos|bild|bilder|photo|photos|image|images|credit|credits|crédits?( photos?)?|illustration|grafik|video)\s*[:：]/i,
  /^\(?(foto|photo|bild|image|credit)s?\s*[:：]?\s*[^)]{0,60}\)?$/i, /^(beitragsbild|titelbild|symbolbild|image illustrative|bild via|photo via|crédit photo|photo d'illustration)\b/i,
  /^[\s\p{P}]*((am|on|le|el|den|vom|publié le|veröffentlicht( am)?|published( on)?|updated|aktualisiert( am)?|stand)[:\s]+)?(\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2,4}|\d{1,2}\.?\s+\p{L}+\.?\s+\d{4}|\p{L}+\.?\s+\d{1,2},?\s+\d{4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)([\s,|–-]+((um|at|à|a las)\s+)?\d{1,2}[:.h]\d{2}(\s*(uhr|am|pm|h|mez|cet))?)?[\s\p{P}]*$/iu,
];
const MAX_ANYWHERE_LINE = 100;

/** Disclosures and reading-time labels, in the first part of the body only. */
const HEAD_LINES: RegExp[] = [
  /^\d+\s*(min\.?|mins|minutes?|minuten|minut|minutos)\b.{0,20}$/i, /^(lesezeit|reading time|temps de lecture|tiempo de lectura|czas czytania)\b/i,
  /^\*?\(?(werbung|anzeige|advertorial|sponsored( content| post)?|affiliate|publicidad)\s*([.:,|)–-]|$)/i, /^\*?enthält werbung/i,
  /(affiliate|provision|commission|werbelink|partnerlink).{0,80}(links?|verlinkung)/i, /^(this|the) (post|article|page) (contains|may contain|includes) (affiliate|references|links)/i,
  /^we (may )?(earn|receive) (a )?commission/i, /^(we|our editors) (independently )?(recommend|select|review)/i,
];
const HEAD_ZONE = 0.3;

// Edge lines are short; a long paragraph that mentions a QR code is content.
const MAX_EDGE_LINE = 160;
// Tail starts count only in the last part of the body, so a mid-article "END" of a quoted section survives.
const TAIL_ZONE = 0.4;

export interface BoilerplateFilter {
  edge: RegExp[];
  tail: RegExp[];
}

export function boilerplateFilter(config?: Partial<Pick<CleanConfig, 'boilerplate' | 'boilerplateTail'>>): BoilerplateFilter {
  return {
    edge: [...EDGE_LINES, ...(config?.boilerplate ?? []).map((p) => new RegExp(p, 'i'))],
    tail: [...TAIL_STARTS, ...(config?.boilerplateTail ?? []).map((p) => new RegExp(p, 'i'))],
  };
}

function matches(res: readonly RegExp[], text: string): boolean {
  return text.length <= MAX_EDGE_LINE && res.some((re) => re.test(text));
}

/** Length in Latin-letter terms: a CJK character carries about as much as a short word. */
function weight(s: string): number {
  return s.length + 2 * (s.match(/[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF]/g)?.length ?? 0);
}

const TRAILING_SECTION_CHARS = 400;
const SHORT_LINE = 100;

/** A heading, or a short line that acts as one (all bold). */
function isSectionHead(b: Block): boolean {
  if (!b.text) return false;
  // Prose marked up as a heading (common in WeChat and Markdown dumps) is a sentence, not a section title.
  if (/[。！；]|[.!;](\s|$)|，.*，/.test(b.text) && b.text.length > 20) return false;
  if (b.kind === 'h') return true;
  if (b.text.length > 60 || b.kind === 'pre' || b.kind === 'row') return false;
  return /^\*\*[^*]+\*\*$/.test(b.md);
}

function dropTrailingSections(blocks: Block[]): Block[] {
  let out = blocks;
  const total = blocks.reduce((n, b) => n + weight(b.text), 0);
  let dropped = 0;
  for (;;) {
    let i = out.length - 1;
    let chars = 0;
    while (i >= 0 && !isSectionHead(out[i]!)) {
      const t = out[i]!.text;
      const w = weight(t);
      // A long line, or a full sentence, under the heading means the section is real text.
      if (w > SHORT_LINE || (w >= 60 && /[。！]$/.test(t))) return out;
      chars += w;
      i--;
    }
    // Keep a body that is nothing but this section, and a section with real text under its heading.
    if (i <= 0 || chars > TRAILING_SECTION_CHARS || weight(out[i]!.text) > SHORT_LINE) return out;
    // Pages that mark up their prose as headings would lose it all, one "section" at a time.
    dropped += chars + weight(out[i]!.text);
    if (dropped > total * 0.5) return out;
    out = out.slice(0, i);
  }
}

/** Removes boilerplate at both edges of the body; blocks without text (images) do not stop the edge walk. */
export function trimBoilerplate(blocks: readonly Block[], filter: BoilerplateFilter): Block[] {
  let out = [...blocks];
  const textChars = out.reduce((n, b) => n + b.text.length, 0);
  // Tail: the first tail start within the last part of the body (by characters) cuts the rest.
  let seen = 0;
  for (let i = 0; i < out.length; i++) {
    const b = out[i]!;
    if (b.text && seen >= textChars * (1 - TAIL_ZONE) - b.text.length && matches(filter.tail, b.text) && i > 0) {
      out = out.slice(0, i);
      break;
    }
    seen += b.text.length;
  }
  // Tail: a heading that ends the body, or heads only a few short lines (a "More on this" list), is chrome.
  out = dropTrailingSections(out);
  const headChars = out.reduce((n, b) => n + b.text.length, 0) * HEAD_ZONE;
  let headSeen = 0;
  out = out.filter((b) => {
    const drop = headSeen < headChars && b.text.length <= 300 && HEAD_LINES.some((re) => re.test(b.text));
    headSeen += b.text.length;
    return !drop;
  });
  // Head: chrome lines go, and so do images between them (follow banners); images before the first text stay.
  let start = 0;
  let pending: Block[] = [];
  while (start < out.length) {
    const b = out[start]!;
    if (!b.text) pending.push(b);
    else if (matches(filter.edge, b.text)) pending = [];
    else break;
    start++;
  }
  // Tail: chrome lines and the images below them (QR codes, account cards) go; images right after the text stay.
  let end = out.length;
  let images: Block[] = [];
  while (end > start) {
    const b = out[end - 1]!;
    if (!b.text) images.push(b);
    else if (matches(filter.edge, b.text) || matches(filter.tail, b.text)) images = [];
    else break;
    end--;
  }
  const tailImages = images.reverse();
  // Standalone "Advertisement" labels anywhere in the body.
  return [...pending, ...out.slice(start, end), ...tailImages].filter(
    (b) => !/^(advertisement|anzeige|werbung|广告)$/i.test(b.text) && !(b.text.length <= MAX_ANYWHERE_LINE && ANYWHERE_LINES.some((re) => re.test(b.text))),
  );
}
