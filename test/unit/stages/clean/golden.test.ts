import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extract } from '../../../../src/stages/clean/extract.js';

// Golden files: test/fixtures/clean/<case>/input.html (+ case.json with the page URL) → expected.json (metadata),
// expected.txt (text) and expected.md (Markdown).
const root = path.resolve(import.meta.dirname, '../../../fixtures/clean');
const cases = readdirSync(root).filter((name) => existsSync(path.join(root, name, 'input.html')));

describe('extract golden files', () => {
  it('has the cases the corpus lacks', () => {
    expect(cases).toEqual(expect.arrayContaining(['english-news', 'chinese-news', 'wechat-article', 'gbk-page', 'json-ld', 'chrome-heavy']));
  });

  for (const name of cases) {
    it(`extracts ${name} as its golden files say`, () => {
      const dir = path.join(root, name);
      const { url } = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as { url: string };
      const { text, markdown, ...meta } = extract(readFileSync(path.join(dir, 'input.html')), url);
      expect(meta).toEqual(JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')));
      expect(text).toBe(readFileSync(path.join(dir, 'expected.txt'), 'utf8').trimEnd());
      expect(markdown).toBe(readFileSync(path.join(dir, 'expected.md'), 'utf8').trimEnd());
    });
  }
});

const CHROME: Record<string, string[]> = {
  'english-news': ['Skip to content', 'cookies', 'Share on', 'Advertisement', 'Related stories', 'Most read', 'All rights reserved', 'Reporting by', 'Photo: City Archive'],
  'chinese-news': ['首页', '分享到', '相关新闻', '热点排行', '版权所有', '责任编辑', '来源'],
  'wechat-article': ['点击上方蓝字关注', 'END', '二维码', '往期推荐', '澜湄合作五年回顾', '点个在看', '微信扫一扫', '原创', '流域观察者'],
  'gbk-page': ['发布时间', '版权所有', '编辑：', '首页'],
  'chrome-heavy': ['cookies', 'Facebook', 'Sign up for our newsletter', 'Share this article', 'Tags:', 'You might also like', 'Great write-up', 'Leave a Reply', 'Categories', 'Posted on'],
};

describe('extract removes page chrome', () => {
  for (const [name, strings] of Object.entries(CHROME)) {
    it(`leaves no chrome in the text of ${name}`, () => {
      const dir = path.join(root, name);
      const { url } = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as { url: string };
      const { text } = extract(readFileSync(path.join(dir, 'input.html')), url);
      expect(text.length).toBeGreaterThan(100);
      for (const s of strings) expect(text).not.toContain(s);
    });
  }

  it('reads the WeChat publish time from the ct script variable as Beijing time and images from data-src', () => {
    const dir = path.join(root, 'wechat-article');
    const { url } = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as { url: string };
    const r = extract(readFileSync(path.join(dir, 'input.html'), 'utf8'), url);
    expect(r.publishedAt).toBe('2024-11-03T10:00:00+08:00');
    expect(r.images).toEqual(['https://mmbiz.qpic.cn/mmbiz_png/EXAMPLEphoto01/640?wx_fmt=png&from=appmsg']);
    expect(r.text).toContain('越南和柬埔寨代表在闭幕会上提出');
  });

  it('reads GBK bytes that declare no charset at all', () => {
    const bytes = readFileSync(path.join(root, 'gbk-page', 'input.html'));
    const undeclared = Buffer.from(bytes.toString('latin1').replace(/<meta http-equiv="Content-Type"[^>]*>/i, ''), 'latin1');
    expect(undeclared.toString('latin1')).not.toContain('charset');
    expect(extract(undeclared).text).toContain('七月一日，连接高原两座城市的铁路新线正式开通运营');
  });

  it('decodes the GBK page from its bytes', () => {
    const bytes = readFileSync(path.join(root, 'gbk-page', 'input.html'));
    expect(bytes.includes(Buffer.from('高原', 'utf8'))).toBe(false);
    expect(extract(bytes).text).toContain('七月一日，连接高原两座城市的铁路新线正式开通运营');
  });
});
