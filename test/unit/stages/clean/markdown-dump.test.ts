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

describe('parseMarkdownDump: front matter as archivers write it', () => {
  const header = (title: string) =>
    `---\ntitle: ${title}\nurl: https://mp.weixin.qq.com/s/abc\nsource: 情报分析师\ndate: 2025-02-12\n---\n\n# 正文标题\n\n正文第一段，内容足够长，用来测试抽取是否正常。\n`;

  it('keeps every field when an unquoted title is YAML syntax, and takes the title as written', () => {
    const titles = [
      'OpenAI: 发布新模型', '[转载] 法国AI行动峰会', '"AI"的未来在哪里', '*重磅* 新规出台', '@所有人 紧急通知', '{深度} 解读',
      'AI 周报 - 第 3 期: 要点', '100%: 年度报告', '第12期 #AI周报', '#AI 周报 第12期', '!important 提醒', '> 引用的标题', '| 竖线标题',
    ];
    for (const title of titles) {
      const { meta, extracted } = parseMarkdownDump(header(title));
      expect(meta).toEqual({ title, url: 'https://mp.weixin.qq.com/s/abc', source: '情报分析师', date: '2025-02-12', fetchDate: null });
      expect(extracted.title).toBe(title);
      expect(extracted.publishedAt).toBe('2025-02-12T00:00:00+08:00');
    }
  });

  it('still reads valid YAML as YAML: quoted strings, block and multi-line values, other keys', () => {
    const { meta } = parseMarkdownDump(
      '---\ntitle: "OpenAI: \\"新\\" 模型" # quoted\nlink: \'It\'\'s here\'\nsite: >-\n  情报\n  分析师\ndate:\n  2025-02-12\ntags: [a, b]\n---\n正文。\n',
    );
    expect(meta).toEqual({ title: 'OpenAI: "新" 模型', url: "It's here", source: '情报 分析师', date: '2025-02-12', fetchDate: null });
    const plain = parseMarkdownDump('---\ntitle: 2025\nurl: null\nsource: ~\ndate: 2025-02-12T08:30:00+08:00\n---\n').meta;
    expect(plain).toEqual({ title: '2025', url: null, source: null, date: '2025-02-12T08:30:00+08:00', fetchDate: null });
  });

  it('reads quoted and multi-line values from their lines when the YAML is broken elsewhere', () => {
    const { meta } = parseMarkdownDump(
      '---\ntitle: [转载] 标题\nurl: "https://example.org/a?b=1"\nsource: 情报\n  分析师\ndate: \'2025-02-12\'\n---\n正文。\n',
    );
    expect(meta).toEqual({ title: '[转载] 标题', url: 'https://example.org/a?b=1', source: '情报 分析师', date: '2025-02-12', fetchDate: null });
  });
});

describe('parseMarkdownDump: Markdown blocks and inline HTML', () => {
  const dump = (body: string) => parseMarkdownDump(`---\ntitle: 测试文章\nurl: https://example.org/a\n---\n\n${body}\n`).extracted;

  it('keeps "<" and ">" that are not HTML tags and strips those that are', () => {
    expect(dump('当气温<5℃且湿度>80%时，道路容易结冰。Rust 中 Vec<String> 和 HashMap<K, V> 的用法。').text).toBe(
      '当气温<5℃且湿度>80%时，道路容易结冰。Rust 中 Vec<String> 和 HashMap<K, V> 的用法。',
    );
    expect(dump('<span style="color: red">红色</span>文字<br/>换行<!-- 注释 -->，<sup>1</sup>完。').text).toBe('红色文字换行，1完。');
  });

  it('reads block quotes, thematic breaks and setext headings as Markdown, not as text', () => {
    const r = dump('重要新闻标题\n======\n\n> 这是一段引用的原文\n> 记者如此写道。\n>\n> > 第二层引用。\n\n第一段。\n\n---\n\n第二段。\n\n* * *\n\n副标题\n---\n\n第三段，这一段足够长，是一个完整的句子，不会被当作页尾的杂项去掉。');
    expect(r.text).toBe('重要新闻标题\n\n这是一段引用的原文记者如此写道。\n\n第二层引用。\n\n第一段。\n\n第二段。\n\n副标题\n\n第三段，这一段足够长，是一个完整的句子，不会被当作页尾的杂项去掉。');
    expect(r.markdown).toContain('# 重要新闻标题');
    expect(r.markdown).toContain('> 这是一段引用的原文记者如此写道。');
    expect(r.markdown).toContain('## 副标题');
  });

  it('keeps a fenced code block as written, its comments not read as headings', () => {
    const r = dump('示例代码如下：\n\n```python\n# 读取配置\nimport os\nprint(**kwargs)\n```\n\n以上就是全部代码。\n\n~~~\n## 不是标题\n~~~');
    expect(r.text).toBe('示例代码如下：\n\n# 读取配置\nimport os\nprint(**kwargs)\n\n以上就是全部代码。\n\n## 不是标题');
    expect(r.markdown).toContain('```python\n# 读取配置\nimport os\nprint(**kwargs)\n```');
  });

  it('reads what follows a fence that is never closed as Markdown, not as code', () => {
    const r = dump('第一段。\n\n```\n# 标题\n\n正文。');
    expect(r.markdown).toContain('# 标题\n\n正文。');
    expect(r.text).toContain('\n\n标题\n\n正文。');
  });

  it('reads heading lines with 200,000 inner spaces or tabs (the heading pattern backtracked: 5.5 s for 80,000)', () => {
    const r = parseMarkdownDump(`# a${' '.repeat(200_000)}b\n\n## x${'\t'.repeat(200_000)}#\n\n正文第一段，完整的句子。\n`);
    expect(r.extracted.title).toBe('a b');
    expect(r.extracted.text).toBe('x\n\n正文第一段，完整的句子。');
  });
});
