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

class Renderer {
  readonly blocks: Block[] = [];
  readonly images: string[] = [];
  readonly links: string[] = [];
  private text = '';
  private md = '';
  private linkText = '';
  private inLink = 0;
  private ctx: Context = { kind: 'p', heading: 0, listDepth: 0, ordered: null, quote: false };
  private bullet: string | null = null;
  private generation = 0;

  constructor(private readonly base: string | undefined) {}

  flush(): void {
    this.generation++;
    const text = normalizeInline(this.text);
    const md = normalizeInline(this.md);
    const linkChars = normalizeInline(this.linkText).length;
    this.text = '';
    this.md = '';
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

  private addImage(img: Element): void {
    const src = imageSource(img);
    const abs = src ? absoluteUrl(src, this.base) : null;
    if (!abs) return;
    const w = img.attribs['width'];
    if (w === '1' || img.attribs['height'] === '1') return;
    if (!this.images.includes(abs)) this.images.push(abs);
    this.md += ` ![${escapeMd(normalizeInline(img.attribs['alt'] ?? ''))}](${abs}) `;
  }

  private wrap(el: Element, before: string, after: string): void {
    const start = this.md.length;
    const gen = this.generation;
    this.children(el);
    if (gen !== this.generation) return;
    const inner = this.md.slice(start);
    const trimmed = inner.trim();
    if (!trimmed) return;
    const lead = inner.slice(0, inner.indexOf(trimmed[0]!));
    const trail = inner.slice(inner.lastIndexOf(trimmed[trimmed.length - 1]!) + 1);
    this.md = this.md.slice(0, start) + lead + before + trimmed + after + trail;
  }

  children(el: Element): void {
    for (const child of el.children) {
      if (isText(child)) {
        this.text += child.data;
        if (this.inLink > 0) this.linkText += child.data;
        this.md += this.ctx.kind === 'pre' ? child.data : escapeMd(child.data);
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
      if (abs && !this.links.includes(abs)) this.links.push(abs);
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
        for (const img of sub.images) if (!this.images.includes(img)) this.images.push(img);
        for (const l of sub.links) if (!this.links.includes(l)) this.links.push(l);
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
