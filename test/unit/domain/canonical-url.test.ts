import { describe, expect, it } from 'vitest';
import { canonicalizeUrl, chooseCanonicalUrl } from '../../../src/domain/canonical-url.js';

describe('canonicalizeUrl', () => {
  it('lower-cases scheme and host, drops the default port and the fragment', () => {
    expect(canonicalizeUrl('HTTPS://News.Example.COM:443/World/Story?id=7#comments')).toBe('https://news.example.com/World/Story?id=7');
    expect(canonicalizeUrl('http://example.com:80/a')).toBe('http://example.com/a');
    expect(canonicalizeUrl('http://example.com:8080/a')).toBe('http://example.com:8080/a');
  });

  it('removes tracking parameters and sorts the rest', () => {
    const variants = [
      'https://example.com/story?b=2&a=1',
      'https://example.com/story?a=1&b=2&utm_source=twitter&utm_medium=social',
      'https://example.com/story?fbclid=IwAR0abc&a=1&b=2',
      'https://example.com/story?gclid=xyz&b=2&a=1&spm=a2c4g.11186623&mc_cid=9',
      'https://example.com/story?a=1&b=2#top',
    ];
    expect(new Set(variants.map(canonicalizeUrl))).toEqual(new Set(['https://example.com/story?a=1&b=2']));
  });

  it('drops the share parameters WeChat appends to any link, but keeps a meaningful "from"', () => {
    expect(canonicalizeUrl('https://news.example.cn/a.html?from=singlemessage&isappinstalled=0')).toBe('https://news.example.cn/a.html');
    expect(canonicalizeUrl('https://search.example.org/?q=rates&from=2024-01-01')).toBe('https://search.example.org/?from=2024-01-01&q=rates');
  });

  it('reduces WeChat article URLs to __biz, mid, idx and sn, over https', () => {
    const shared =
      'http://mp.weixin.qq.com/s?__biz=MzA5NjE2NzQ4MA==&mid=2650912345&idx=1&sn=0f1e2d3c&chksm=8b1f&scene=21&sessionid=17&from=timeline#wechat_redirect';
    const plain = 'https://mp.weixin.qq.com/s?sn=0f1e2d3c&idx=1&mid=2650912345&__biz=MzA5NjE2NzQ4MA%3D%3D';
    const expected = 'https://mp.weixin.qq.com/s?__biz=MzA5NjE2NzQ4MA==&mid=2650912345&idx=1&sn=0f1e2d3c';
    expect(canonicalizeUrl(shared)).toBe(expected);
    expect(canonicalizeUrl(plain)).toBe(expected);
    expect(canonicalizeUrl('https://mp.weixin.qq.com/s/Xy3kPq9RtZ?scene=1&subscene=10')).toBe('https://mp.weixin.qq.com/s/Xy3kPq9RtZ');
  });

  it('is idempotent and leaves non-http input alone', () => {
    const once = canonicalizeUrl('https://Example.com/a?utm_campaign=x&z=1&y=2');
    expect(canonicalizeUrl(once)).toBe(once);
    expect(canonicalizeUrl('  not a url ')).toBe('not a url');
    expect(canonicalizeUrl('mailto:desk@example.com')).toBe('mailto:desk@example.com');
  });
});

describe('chooseCanonicalUrl', () => {
  it('prefers the page canonical link, resolved and cleaned', () => {
    expect(chooseCanonicalUrl('https://m.example.com/p/1?utm_source=app', '/news/1?utm_medium=x')).toBe('https://m.example.com/news/1');
    expect(chooseCanonicalUrl('https://m.example.com/p/1', 'https://www.example.com/news/1')).toBe('https://www.example.com/news/1');
  });

  it('falls back to the fetched URL when the canonical link is missing or unusable', () => {
    expect(chooseCanonicalUrl('https://example.com/a?fbclid=1', null)).toBe('https://example.com/a');
    expect(chooseCanonicalUrl('https://example.com/a', 'javascript:void(0)')).toBe('https://example.com/a');
    expect(chooseCanonicalUrl('https://example.com/a', 'http://localhost/a')).toBe('https://example.com/a');
  });
});
