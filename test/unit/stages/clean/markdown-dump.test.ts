import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMarkdownDump } from '../../../../src/stages/clean/markdown-dump.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/clean');
const CHROME = ['微信扫一扫', '预览时标签不可点', '继续滑动看下一个', '轻触阅读原文', '二维码', '素材来源', '向上滑动', '原创', '![', '](http'];

describe('parseMarkdownDump', () => {
  const input = readFileSync(path.join(fixtures, 'wechat-dump/input.md'), 'utf8');
  const { meta, extracted } = parseMarkdownDump(input);

  it('reads the YAML front matter', () => {
    expect(meta).toEqual({
      title: '【观察】湄公河水资源论坛落幕，下游国家要求共享汛期数据',
      url: 'https://mp.weixin.qq.com/s?__biz=MzIyMzQ1Njc4OQ==&mid=2247480001&idx=1&sn=0a1b2c3d4e5f60718293a4b5c6d7e8f9&chksm=aa11bb22cc33&scene=58&subscene=0#rd',
      source: '流域观察者',
      date: '2024-11-03',
      fetchDate: '2025-01-15T08:12:44.100200',
    });
  });

  it('keeps every body paragraph, heading and list item and nothing of the page chrome (golden text)', () => {
    expect(extracted.text).toBe(readFileSync(path.join(fixtures, 'wechat-dump/expected.txt'), 'utf8').trim());
    for (const chrome of CHROME) expect(extracted.text).not.toContain(chrome);
  });

  it('takes the author from the header lines and the date as Beijing midnight', () => {
    expect(extracted.title).toBe(meta.title);
    expect(extracted.author).toBe('林远');
    expect(extracted.siteName).toBe('流域观察者');
    expect(extracted.publishedAt).toBe('2024-11-03T00:00:00+08:00');
  });

  it('keeps body images in the Markdown but not the QR code or related-article thumbnails', () => {
    expect(extracted.leadImage).toBe('https://mmbiz.qpic.cn/mmbiz_jpg/EXAMPLEcover01/0?wx_fmt=jpeg');
    expect(extracted.images).toContain('https://mmbiz.qpic.cn/mmbiz_png/EXAMPLEphoto02/640?wx_fmt=png');
    expect(extracted.images.some((u) => /EXAMPLE(qr|rel)/.test(u))).toBe(false);
    expect(extracted.markdown).toContain('- 建立汛期水文数据共享平台');
    expect(extracted.markdown).toContain('**论坛的三项成果：**');
  });

  it('keeps a body sentence that mentions QR codes without promoting anything', () => {
    const md = '# 扫码支付下乡\n\n扫码支付在农村集市也越来越普及，摊主们把二维码贴在秤杆旁边。\n\n' +
      '县里的银行网点每周派人上门，帮助老人学会使用手机付款，并提醒他们注意防范诈骗。\n\n' +
      '识别下方二维码加入读者群，获取更多县域经济报道。\n';
    const { extracted } = parseMarkdownDump(md);
    expect(extracted.text).toBe(
      '扫码支付在农村集市也越来越普及，摊主们把二维码贴在秤杆旁边。\n\n县里的银行网点每周派人上门，帮助老人学会使用手机付款，并提醒他们注意防范诈骗。',
    );
  });

  it('reads a dump without front matter, dating an English text in UTC', () => {
    const r = parseMarkdownDump('# A quiet harbour\n\nThe harbour reopened on Monday after repairs to the old sea wall were finished.\n');
    expect(r.meta.title).toBeNull();
    expect(r.extracted.title).toBe('A quiet harbour');
    expect(r.extracted.text).toBe('The harbour reopened on Monday after repairs to the old sea wall were finished.');
    const dated = parseMarkdownDump('---\ntitle: T\ndate: 2024-05-06\n---\nSome English text about the weather in the valley today.\n');
    expect(dated.extracted.publishedAt).toBe('2024-05-06T00:00:00Z');
  });

  it('reads image and link URLs with parentheses, and reports the target of a linked image', () => {
    const r = parseMarkdownDump(
      '---\ntitle: T\n---\n\nThe harbour reopened on Monday after repairs to the old sea wall.\n\n' +
        '![](https://cdn.example.org/thumbor/filters:focal(857x517:1183x843)/wall.jpg)\n\n' +
        'See [the sea wall](https://en.wikipedia.org/wiki/Seawall_(engineering)) for the history.\n\n' +
        '[![Quay](https://cdn.example.org/quay-small.jpg)](https://cdn.example.org/quay-large.jpg)\n',
    );
    expect(r.extracted.text).toBe('The harbour reopened on Monday after repairs to the old sea wall.\n\nSee the sea wall for the history.');
    expect(r.extracted.links).toEqual(['https://en.wikipedia.org/wiki/Seawall_(engineering)', 'https://cdn.example.org/quay-large.jpg']);
  });

  it('reads a line of 50,000 unclosed image openings and 100,000 unclosed tags as text', () => {
    // Each would otherwise scan to the end of the line: the time grew with the square of its length (17 s here).
    const r = parseMarkdownDump(`---\ntitle: T\n---\n\nFirst words. ${'!['.repeat(50_000)}\n\nLast words. ${'<'.repeat(100_000)}\n`);
    expect(r.extracted.text.startsWith('First words. ![![')).toBe(true);
    expect(r.extracted.text).toContain('Last words. <<<');
  });
});

const seedDir = [path.resolve(import.meta.dirname, '../../../../../shared/seeds'), '/work/shared/seeds'].find((d) => existsSync(d));

describe.skipIf(!seedDir)('parseMarkdownDump on the shared seed article', () => {
  it('yields the title, the 2025-02-12 date, the body and none of the chrome', () => {
    const { extracted } = parseMarkdownDump(readFileSync(path.join(seedDir!, '000_a5968943db43bf25.txt'), 'utf8'));
    expect(extracted.title).toBe('【深度解局】法国AI行动峰会！法印联盟竟想掀翻中美牌桌？');
    expect(extracted.publishedAt?.startsWith('2025-02-12')).toBe(true);
    expect(extracted.text).toContain('核心目标：');
    expect(extracted.text).toContain('公共服务 AI');
    expect(extracted.text).toContain('同时，就业结构的剧变也会导致社会阶层的分化加剧');
    for (const chrome of ['微信扫一扫', '预览时标签不可点', '继续滑动看下一个', '轻触阅读原文', '知识星球', '二维码', '哪吒电影']) {
      expect(extracted.text).not.toContain(chrome);
    }
    expect(extracted.text.split('\n\n')[0]).not.toMatch(/^(原创|文刀|情报分析师)$/);
  });
});
