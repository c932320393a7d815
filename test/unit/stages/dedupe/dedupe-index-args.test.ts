import { describe, expect, it } from 'vitest';
import { checkArgs, siteHash, taggedPrefix } from '../../../../src/infra/dedupe-index.js';
import { DEFAULT_DEDUPE_CONFIG } from '../../../../src/stages/dedupe/config.js';
import { fingerprint } from '../../../../src/stages/dedupe/fingerprint.js';
import { textHash } from '../../../../src/stages/dedupe/normalize.js';

describe('siteHash', () => {
  it('names a site by its host without www', () => {
    expect(siteHash('https://www.example.com/a')).toBe(siteHash('https://example.com/b?x=1'));
    expect(siteHash('https://news.example.com/a')).not.toBe(siteHash('https://example.com/a'));
  });

  it('names a WeChat site by its account, and knows none for short links or non-URLs', () => {
    const a1 = siteHash('https://mp.weixin.qq.com/s?__biz=MzA5NjE2NzQ4MA==&mid=1&idx=1&sn=a');
    expect(a1).toBe(siteHash('https://mp.weixin.qq.com/s?__biz=MzA5NjE2NzQ4MA==&mid=2&idx=1&sn=b'));
    expect(a1).not.toBe(siteHash('https://mp.weixin.qq.com/s?__biz=MzI0MDU4NzE3MQ==&mid=1&idx=1&sn=a'));
    expect(siteHash('https://mp.weixin.qq.com/s/Xy3kPq9RtZ')).toBe(0);
    expect(siteHash('ingest/report.md')).toBe(0);
    expect(siteHash('http://127.0.0.1:8080/feed/a')).toBe(0);
    expect(siteHash('http://[::1]:8080/a')).toBe(0);
    expect(siteHash('http://localhost/a')).toBe(0);
    expect(a1).toBeGreaterThan(0);
  });
});

describe('checkArgs', () => {
  it('passes hex ids as 8 bytes and other ids verbatim, and one (hi, lo) pair per band', () => {
    const text = 'Container traffic stopped at three ports on Monday. The union said talks had broken down late on Sunday.';
    const keys = { id: '0123456789abcdef', canonicalUrl: 'https://example.com/a', feedItemKey: null, textHash: textHash(text), fingerprint: fingerprint(text) };
    const args = checkArgs(keys, DEFAULT_DEDUPE_CONFIG, 1_000);
    expect(args[11]).toEqual(Buffer.from('0123456789abcdef', 'hex'));
    expect(args[12]).toBe('');
    expect(args[14]).toHaveLength(32);
    expect(args[17]).toBe('0');
    const bandCount = args.length - 25;
    expect(bandCount).toBe(2 * DEFAULT_DEDUPE_CONFIG.bands);
    expect(args[24]).toBe(DEFAULT_DEDUPE_CONFIG.bands);
    // the feed item is absent: its pair is empty
    expect(args.slice(22, 24)).toEqual(['', '']);
    const raw = checkArgs({ ...keys, id: 'ingest:a.md', fingerprint: null }, DEFAULT_DEDUPE_CONFIG, 1_000);
    expect(raw[12]).toBe('ingest:a.md');
    expect(raw[13]).toBe(0);
    expect(raw[24]).toBe(0);
    expect(checkArgs(keys, DEFAULT_DEDUPE_CONFIG, 1_000, true)[17]).toBe('1');
  });

  it('keeps a given hash tag and adds one otherwise', () => {
    expect(taggedPrefix('{newsflow}:dedupe')).toBe('{newsflow}:dedupe');
    expect(taggedPrefix('newsflow:dedupe')).toBe('{newsflow:dedupe}');
  });
});
