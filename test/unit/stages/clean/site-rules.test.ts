import { describe, expect, it } from 'vitest';
import { CleanConfigSchema } from '../../../../src/stages/clean/config.js';
import { extract } from '../../../../src/stages/clean/extract.js';
import { parseMarkdownDump } from '../../../../src/stages/clean/markdown-dump.js';
import { findSiteRule } from '../../../../src/stages/clean/site-rules.js';

const PAGE = `<html><head><title>Quarterly figures</title></head><body>
<div class="story"><p class="kicker">Markets</p>
<div class="txt"><p>Exports rose by four percent in the third quarter, driven by machinery and vehicle parts, the statistics office said.</p>
<p class="promo-box">Get our app for breaking market alerts and daily briefings delivered every morning at seven.</p>
<p>Imports fell slightly, which widened the trade surplus to its highest level in two years, according to the figures.</p></div>
<span class="who">Mara Lind</span><span class="when">2024-10-21 08:00</span></div></body></html>`;

describe('site rules', () => {
  it('applies a user rule for body, removals, author and date, matching subdomains', () => {
    const config = CleanConfigSchema.parse({
      siteRules: { 'stats.example': { body: '.txt', remove: ['.promo-box'], author: '.who', date: '.when', timeZone: '+02:00' } },
    });
    const r = extract(PAGE, 'https://www.stats.example/q3', { config });
    expect(r.text).toBe(
      'Exports rose by four percent in the third quarter, driven by machinery and vehicle parts, the statistics office said.\n\n' +
        'Imports fell slightly, which widened the trade surplus to its highest level in two years, according to the figures.',
    );
    expect(r.author).toBe('Mara Lind');
    expect(r.publishedAt).toBe('2024-10-21T08:00:00+02:00');
  });

  it('keeps the built-in WeChat rule unless the user replaces it', () => {
    expect(findSiteRule('https://mp.weixin.qq.com/s?__biz=x', undefined)?.body).toBe('#js_content');
    const config = CleanConfigSchema.parse({ siteRules: { 'mp.weixin.qq.com': { body: '#other' } } });
    expect(findSiteRule('https://mp.weixin.qq.com/s?__biz=x', config)?.body).toBe('#other');
    expect(findSiteRule('https://example.com/', config)).toBeNull();
  });

  it('reads the WeChat publish time from create_time when the page has no ct variable', () => {
    const html = `<html><head><meta property="og:title" content="水库调度新规出台"></head><body>
      <div id="js_content" style="visibility: hidden;"><p>新规要求汛期水库每日公布出库流量，并提前一天通报下游地区，以便沿岸村镇做好准备。</p></div>
      <script>var nickname = htmlDecode("流域观察者"); var create_time = "1730599200" * 1;</script></body></html>`;
    const r = extract(html, 'https://mp.weixin.qq.com/s/AbCdEf');
    expect(r.publishedAt).toBe('2024-11-03T10:00:00+08:00');
    expect(r.siteName).toBe('流域观察者');
    expect(r.title).toBe('水库调度新规出台');
    expect(r.text).toBe('新规要求汛期水库每日公布出库流量，并提前一天通报下游地区，以便沿岸村镇做好准备。');
  });

  it('rejects unknown rule keys and invalid patterns', () => {
    expect(() => CleanConfigSchema.parse({ siteRules: { 'a.example': { bodyy: 'x' } } })).toThrow();
    expect(() => CleanConfigSchema.parse({ boilerplate: ['(unclosed'] })).toThrow(/not a valid regular expression/);
  });

  it('takes extra boilerplate patterns from the config', () => {
    const md = '# T\n\nThe first paragraph of the report is long enough to be kept as text.\n\nSupported by the Harbour Fund\n';
    expect(parseMarkdownDump(md).extracted.text).toContain('Harbour Fund');
    const config = CleanConfigSchema.parse({ boilerplate: ['^Supported by'] });
    expect(parseMarkdownDump(md, { config }).extracted.text).not.toContain('Harbour Fund');
  });
});
