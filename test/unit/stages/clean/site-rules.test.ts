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

  it('rejects unknown rule keys', () => {
    expect(() => CleanConfigSchema.parse({ siteRules: { 'a.example': { bodyy: 'x' } } })).toThrow();
  });

  it('takes extra boilerplate patterns from the config', () => {
    const md = '# T\n\nThe first paragraph of the report is long enough to be kept as text.\n\nSupported by the Harbour Fund\n';
    expect(parseMarkdownDump(md).extracted.text).toContain('Harbour Fund');
    const config = CleanConfigSchema.parse({ boilerplate: ['^Supported by'] });
    expect(parseMarkdownDump(md, { config }).extracted.text).not.toContain('Harbour Fund');
  });
});
