// Turning the chosen content blocks into paragraphs of plain text and Markdown, collecting images and links.
import type { Element } from 'domhandler';
import { isBlock, isElement, isText } from './dom.js';
import { normalizeInline } from './text.js';
import { absoluteUrl, imageSource } from './urls.js';

export type BlockKind = 'p' | 'h' | 'li' | 'pre' | 'quote' | 'row' | 'img';

/**
 * One character of a Markdown link or image URL, or one level of balanced parentheses (thumbor's
 * filters:focal(…), Wikipedia's Seawall_(engineering)), as the patterns that read Markdown back take it. It never
 * runs past a bracket or parenthesis that could open another link: on "![![![…" each attempt would otherwise scan to
 * the end, and the time grow with the square of the length.
 */
export const MARKDOWN_URL_PART = String.raw`(?:[^()[\]\s]|\([^()[\]\s]*\))`;

export interface Block {
  kind: BlockKind;
  /** Plain text, normalized. */
  text: string;
  /** The same block as Markdown. */
  md: string;
  /** Share of the text inside links (0 to 1). */
  linkRatio?: number;
}

export interface Rendered {
  blocks: Block[];
  images: string[];
  links: string[];
}

interface Context {
  kind: BlockKind;
  heading: number;
  listDepth: number;
  ordered: number | null;
  quote: boolean;
}

/** Caption blocks that are not <figcaption> (WordPress "wp-caption-text", "figure__caption", "image-credit"). */
const CAPTION_CLASS = /(?:^|[\s_-])(wp-caption-text|caption|figure__caption|image-caption|img-caption|photo-caption|credits?|image-credit|bildunterschrift|bildtext|legend|imagedescription|image-description|img_description|photo-credit)(?:$|[\s_])/i;

const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]])/g, '\\$1');
}

/**
 * Markdown of inline content as it is built: leading whitespace, the part from the first to the last other
 * character, trailing whitespace. Wrapping it in emphasis or a link goes inside the whitespace, so it needs only
 * these three strings and never reads the text back. Re-slicing the block's Markdown at every wrapper took 12.7 s
 * for a paragraph of 100,000 <i>, and nested wrappers re-read their content at every level.
 */
class InlineMarkdown {
  private lead = '';
  private core = '';
  private trail = '';

  add(s: string): void {
    const start = s.length - s.trimStart().length;
    if (start === s.length) return this.addSpace(s);
    const end = s.trimEnd().length;
    this.addParts(s.slice(0, start), s.slice(start, end), s.slice(end));
  }

  append(other: InlineMarkdown): void {
    if (other.core) this.addParts(other.lead, other.core, other.trail);
    else this.addSpace(other.lead);
  }

  /** Puts `before` and `after` around the content inside its whitespace; nothing when it is all whitespace. */
  wrap(before: string, after: string): void {
    if (this.core) this.core = before + this.core + after;
  }

  toString(): string {
    return this.lead + this.core + this.trail;
  }

  private addSpace(s: string): void {
    if (this.core) this.trail += s;
    else this.lead += s;
  }

  private addParts(lead: string, core: string, trail: string): void {
    if (this.core) this.core += this.trail + lead + core;
    else {
      this.lead += lead;
      this.core = core;
    }
    this.trail = trail;
  }
}

/** The Markdown outside an open inline wrapper, and the block it belongs to (`generation`). */
interface OuterMarkdown {
  md: InlineMarkdown;
  generation: number;
}

class Renderer {
  readonly blocks: Block[] = [];
  readonly images: string[] = [];
  readonly links: string[] = [];
  // The same, to look up: searching the lists took time with the square of a page's distinct links or images.
  private readonly seenImages = new Set<string>();
  private readonly seenLinks = new Set<string>();
  private text = '';
  private md = new InlineMarkdown();
  /** Markdown of the current block outside the open inline wrappers, outermost first. */
  private readonly outer: OuterMarkdown[] = [];
  private linkText = '';
  private inLink = 0;
  private ctx: Context = { kind: 'p', heading: 0, listDepth: 0, ordered: null, quote: false };
  private bullet: string | null = null;
  private generation = 0;

  constructor(private readonly base: string | undefined) {}

  flush(): void {
    const md = normalizeInline(this.blockMarkdown());
    this.generation++;
    const text = normalizeInline(this.text);
    const linkChars = normalizeInline(this.linkText).length;
    this.text = '';
    this.md = new InlineMarkdown();
    this.linkText = '';
    if (!text && !md) return;
    const { kind, heading, listDepth, quote } = this.ctx;
    let prefix = '';
    if (heading) prefix = `${'#'.repeat(heading)} `;
    else if (kind === 'li') {
      const indent = '  '.repeat(Math.max(0, listDepth - 1));
      prefix = this.bullet !== null ? `${indent}${this.bullet} ` : `${indent}  `;
      this.bullet = null;
    }
    if (quote) prefix = `> ${prefix}`;
    this.blocks.push({ kind: text ? kind : 'img', text, md: md ? prefix + md : '', linkRatio: text ? Math.min(1, linkChars / text.length) : 0 });
  }

  private addUrl(url: string, list: string[], seen: Set<string>): void {
    if (seen.has(url)) return;
    seen.add(url);
    list.push(url);
  }

  private addImage(img: Element): void {
    const src = imageSource(img);
    const abs = src ? absoluteUrl(src, this.base) : null;
    if (!abs) return;
    const w = img.attribs['width'];
    if (w === '1' || img.attribs['height'] === '1') return;
    this.addUrl(abs, this.images, this.seenImages);
    this.md.add(` ![${escapeMd(normalizeInline(img.attribs['alt'] ?? ''))}](${abs}) `);
  }

  /**
   * The current block's Markdown: what the open wrappers hold from before their content, then the content. Only
   * the innermost wrappers opened since the last flush hold any; older ones were emitted with an earlier block.
   */
  private blockMarkdown(): string {
    let i = this.outer.length;
    while (i > 0 && this.outer[i - 1]!.generation === this.generation) i--;
    let md = '';
    for (let j = i; j < this.outer.length; j++) md += this.outer[j]!.md.toString();
    return md + this.md.toString();
  }

  /** Renders the element's children into a buffer of their own and puts it, wrapped, after what came before. */
  private wrap(el: Element, before: string, after: string): void {
    const generation = this.generation;
    this.outer.push({ md: this.md, generation });
    this.md = new InlineMarkdown();
    this.children(el);
    const inner = this.md;
    const outer = this.outer.pop()!;
    // A block ended inside (a <br>, a <div>): the wrapper is not closed in Markdown, and what came before it has
    // been emitted with that block.
    if (generation !== this.generation) return;
    inner.wrap(before, after);
    outer.md.append(inner);
    this.md = outer.md;
  }

  children(el: Element): void {
    for (const child of el.children) {
      if (isText(child)) {
        this.text += child.data;
        if (this.inLink > 0) this.linkText += child.data;
        this.md.add(this.ctx.kind === 'pre' ? child.data : escapeMd(child.data));
      } else if (isElement(child)) this.element(child);
    }
  }

  private within(patch: Partial<Context>, fn: () => void): void {
    const saved = this.ctx;
    this.ctx = { ...saved, ...patch };
    fn();
    // The block ends inside its own context, so it is emitted as the kind it is.
    this.flush();
    this.ctx = saved;
  }

  element(el: Element): void {
    const tag = el.name;
    if (tag === 'br' || tag === 'hr') return this.flush();
    if (tag === 'img') return this.addImage(el);
    if (tag === 'a') {
      const abs = el.attribs['href'] ? absoluteUrl(el.attribs['href'], this.base) : null;
      if (abs) this.addUrl(abs, this.links, this.seenLinks);
      this.inLink++;
      if (abs) this.wrap(el, '[', `](${abs})`);
      else this.children(el);
      this.inLink--;
      return;
    }
    if (tag === 'strong' || tag === 'b') return this.wrap(el, '**', '**');
    if (tag === 'em' || tag === 'i') return this.wrap(el, '*', '*');
    if (tag === 'code' && this.ctx.kind !== 'pre') return this.wrap(el, '`', '`');
    // Captions and credits describe a picture; they stay in the Markdown as the image's alt text, not in the text.
    if (tag === 'figcaption' || CAPTION_CLASS.test(el.attribs['class'] ?? '')) return this.caption(el);
    if (!isBlock(el)) return this.children(el);
    this.flush();
    if (tag in HEADINGS) this.within({ kind: 'h', heading: HEADINGS[tag]! }, () => this.children(el));
    else if (tag === 'ul' || tag === 'ol') this.within({ listDepth: this.ctx.listDepth + 1, ordered: tag === 'ol' ? 0 : null }, () => this.children(el));
    else if (tag === 'li') {
      const n = this.ctx.ordered;
      if (n !== null) this.ctx.ordered = n + 1;
      this.bullet = n !== null ? `${n + 1}.` : '-';
      this.within({ kind: 'li' }, () => this.children(el));
    } else if (tag === 'pre') this.pre(el);
    else if (tag === 'blockquote') this.within({ quote: true }, () => this.children(el));
    else if (tag === 'table' && isDataTable(el)) this.table(el);
    else this.within({ kind: this.ctx.kind === 'li' ? 'li' : this.ctx.kind === 'h' ? 'h' : 'p' }, () => this.children(el));
    this.flush();
  }

  private caption(el: Element): void {
    this.flush();
    const sub = new Renderer(this.base);
    sub.children(el);
    sub.flush();
    const md = sub.blocks.map((b) => b.md).filter(Boolean).join(' ');
    if (md) this.blocks.push({ kind: 'img', text: '', md: `*${md.replace(/\*/g, '')}*` });
  }

  private pre(el: Element): void {
    this.flush();
    let raw = '';
    const collect = (e: Element) => {
      for (const c of e.children) {
        if (isText(c)) raw += c.data;
        else if (isElement(c)) c.name === 'br' ? (raw += '\n') : collect(c);
      }
    };
    collect(el);
    const lines = raw.split('\n').map((l) => l.replace(/\s+$/, ''));
    while (lines.length && !lines[0]!.trim()) lines.shift();
    while (lines.length && !lines[lines.length - 1]!.trim()) lines.pop();
    const text = lines.map((l) => normalizeInline(l)).join('\n').normalize('NFC');
    if (text) this.blocks.push({ kind: 'pre', text, md: '```\n' + lines.join('\n').normalize('NFC') + '\n```' });
  }

  private table(el: Element): void {
    const rows = tableRows(el);
    let first = true;
    for (const row of rows) {
      const cells = row.map((cell) => {
        const sub = new Renderer(this.base);
        sub.children(cell);
        sub.flush();
        for (const img of sub.images) this.addUrl(img, this.images, this.seenImages);
        for (const l of sub.links) this.addUrl(l, this.links, this.seenLinks);
        return { text: sub.blocks.map((b) => b.text).filter(Boolean).join(' '), md: sub.blocks.map((b) => b.md).join(' ') };
      });
      if (cells.every((c) => !c.text)) continue;
      const text = cells.map((c) => c.text).filter(Boolean).join(' | ');
      let md = `| ${cells.map((c) => c.md.replace(/\|/g, '\\|')).join(' | ')} |`;
      if (first) md += `\n|${cells.map(() => ' --- ').join('|')}|`;
      first = false;
      this.blocks.push({ kind: 'row', text, md });
    }
  }
}

function tableRows(table: Element): Element[][] {
  const rows: Element[][] = [];
  const visit = (el: Element) => {
    for (const c of el.children) {
      if (!isElement(c)) continue;
      if (c.name === 'tr') rows.push(c.children.filter((x): x is Element => isElement(x) && (x.name === 'td' || x.name === 'th')));
      else if (c.name === 'thead' || c.name === 'tbody' || c.name === 'tfoot') visit(c);
    }
  };
  visit(table);
  return rows;
}

/** A table of data (cells of inline content), not one used for page layout. */
function isDataTable(table: Element): boolean {
  const rows = tableRows(table);
  if (rows.length === 0) return false;
  for (const row of rows) {
    for (const cell of row) {
      const stack: Element[] = [cell];
      while (stack.length) {
        const e = stack.pop()!;
        for (const c of e.children) {
          if (!isElement(c)) continue;
          if (c.name === 'table' || c.name === 'p' || c.name === 'div' || c.name === 'ul' || c.name === 'ol' || /^h\d$/.test(c.name)) return false;
          stack.push(c);
        }
      }
    }
  }
  return true;
}

/** Renders content blocks in order; `base` resolves relative image and link URLs. */
export function render(elements: readonly Element[], base: string | undefined): Rendered {
  const r = new Renderer(base);
  for (const el of elements) {
    // Every top-level element is its own block, inline ones (span, font) included.
    r.flush();
    if (isBlock(el)) r.element(el);
    else r.children(el);
  }
  r.flush();
  return { blocks: r.blocks, images: r.images, links: r.links };
}
