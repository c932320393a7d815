import { describe, expect, it } from 'vitest';
import { extract } from '../../../../src/stages/clean/extract.js';

const NEWS_PAGE = `<html lang="en"><head><title>Storm hits the coast | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet"><meta property="article:published_time" content="2025-03-04T10:20:00-05:00">
<meta name="author" content="Lois Lane"></head><body>
<nav><a href="/">Home</a><a href="/world">World</a></nav>
<div class="share-bar"><a href="#">Share on X</a></div>
<article><h1>Storm hits the coast</h1>
<p>A powerful storm struck the eastern coast on Tuesday, flooding streets and cutting power to thousands of homes, officials said.</p>
<p>Residents were told to stay indoors while crews, working through the night, cleared <a href="/trees">fallen trees</a> from the main roads.</p>
<p>Advertisement</p>
<p>The weather service expects the storm to weaken by Thursday, though heavy rain may continue in some areas.</p>
<ul class="related"><li><a href="/a">Other story one</a></li><li><a href="/b">Other story two</a></li></ul>
</article>
<div id="comments"><p>Great article, thanks for writing it, I really enjoyed reading it.</p></div>
<footer>© 2025 Daily Planet. All rights reserved.</footer></body></html>`;

describe('extract', () => {
  it('returns the article paragraphs without navigation, share bar, ads, related list, comments and footer', () => {
    const r = extract(NEWS_PAGE, 'https://planet.example/news/storm');
    expect(r.text).toBe(
      [
        'A powerful storm struck the eastern coast on Tuesday, flooding streets and cutting power to thousands of homes, officials said.',
        'Residents were told to stay indoors while crews, working through the night, cleared fallen trees from the main roads.',
        'The weather service expects the storm to weaken by Thursday, though heavy rain may continue in some areas.',
      ].join('\n\n'),
    );
    expect(r).toMatchObject({
      title: 'Storm hits the coast',
      author: 'Lois Lane',
      publishedAt: '2025-03-04T10:20:00-05:00',
      siteName: 'Daily Planet',
      langHint: 'en',
      links: ['https://planet.example/trees'],
    });
    expect(r.markdown).toContain('[fallen trees](https://planet.example/trees)');
  });

  it('keeps a lede that the page sets apart from the body', () => {
    const html = `<html><body><article><header><h1>Ferry service resumes</h1>
      <div class="article__intro"><p>After a winter without crossings, the island ferry runs again from Monday.</p></div>
      <div class="meta">12 March 2024</div></header>
      <div class="article__body"><p>The operator said the repaired vessel passed its safety inspection last week, and tickets can be booked online.</p>
      <p>Residents had relied on a small water taxi since December, which could not carry cars or freight, the council said.</p></div>
      </article><aside class="teaser-list"><a href="/x">Other news</a></aside></body></html>`;
    expect(extract(html).text).toBe(
      'After a winter without crossings, the island ferry runs again from Monday.\n\n' +
        'The operator said the repaired vessel passed its safety inspection last week, and tickets can be booked online.\n\n' +
        'Residents had relied on a small water taxi since December, which could not carry cars or freight, the council said.',
    );
  });

  it('survives broken markup nested thousands of levels deep, keeping the text in order', () => {
    const n = 5000;
    const html = `<html><body>${'<font>'.repeat(n)}<p>The first paragraph is long enough to count as article text, with commas.</p><p>The second one, with <b>bold</b> words, follows it here.</p>${'</font>'.repeat(n)}</body></html>`;
    expect(extract(html).text).toBe(
      'The first paragraph is long enough to count as article text, with commas.\n\nThe second one, with bold words, follows it here.',
    );
  });

  it('finds the body of a TRS-published government page beside a notice column', () => {
    const html = `<html><head><title>关于做好秋季森林防火工作的通知_某某县人民政府</title></head><body>
      <div class="gl_left"><div class="tzgg"><p>【通知公告】县政务服务中心国庆假期办公时间调整，请办事群众合理安排时间，提前预约。</p>
      <p>【通知公告】关于公布第三批县级非物质文化遗产代表性项目名录的公示，公示期为十个工作日。</p>
      <p>【通知公告】县人民医院门诊楼改造期间，部分科室临时搬迁至二号楼，给您带来不便敬请谅解。</p></div></div>
      <div class="gl_right"><div class="TRS_Editor"><p>各乡镇人民政府，县直有关单位：</p>
      <p>入秋以来，我县降雨偏少，林区可燃物增多，森林火险等级持续偏高。为切实做好秋季森林防火工作，现将有关事项通知如下。</p>
      <p>一、严格管控野外用火，林区周边禁止焚烧秸秆和祭祀用火。各乡镇要组织护林员加强巡查，发现火情立即报告。</p>
      <p>二、落实扑火准备，专业扑火队伍实行二十四小时值班，扑火物资要在十月十五日前检查补充到位。</p></div></div></body></html>`;
    const r = extract(html, 'http://www.example.gov.cn/zwgk/tzgg/202410/t20241008_1.html');
    expect(r.title).toBe('关于做好秋季森林防火工作的通知');
    expect(r.siteName).toBe('某某县人民政府');
    expect(r.text.startsWith('各乡镇人民政府，县直有关单位：')).toBe(true);
    expect(r.text).toContain('一、严格管控野外用火');
    expect(r.text).not.toContain('通知公告');
  });

  it('decodes a Buffer by its meta charset', () => {
    const html = '<html><head><meta charset="windows-1252"><title>Caf\xe9 opens</title></head><body><p>The new caf\xe9 on the square opened its doors this morning, serving coffee and cake.</p></body></html>';
    const r = extract(Buffer.from(html, 'latin1'));
    expect(r.text).toBe('The new café on the square opened its doors this morning, serving coffee and cake.');
  });
  it('reads text of 20,000 brackets, and image and link URLs with parentheses', () => {
    // Link patterns once scanned from every bracket to the end of the Markdown: time grew with the square.
    const html = `<html><body><article><h1>Brackets</h1><p>The harbour board met on Monday and approved the repairs. ${'[!['.repeat(20_000)}</p>
      <p>See <a href="https://en.wikipedia.org/wiki/Seawall_(engineering)">sea walls</a> for background on the works.</p>
      <p><img src="https://cdn.example.org/thumbor/filters:focal(857x517:1183x843)/wall.jpg" alt="The wall"> The wall, repaired, seen from the quay.</p>
      </article></body></html>`;
    const r = extract(html, 'https://harbour.example/news');
    expect(r.text).toContain('approved the repairs. [![[![');
    expect(r.links).toContain('https://en.wikipedia.org/wiki/Seawall_(engineering)');
    expect(r.images).toContain('https://cdn.example.org/thumbor/filters:focal(857x517:1183x843)/wall.jpg');
  });
});
