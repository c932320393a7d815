import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../../../src/stages/fetch/parse-date.js';

describe('parseFeedDate', () => {
  const cases: Array<[string, string | null, number?]> = [
    ['Wed, 12 Feb 2025 08:30:00 GMT', '2025-02-12T08:30:00Z'],
    ['Wed, 12 Feb 2025 08:30:00 +0800', '2025-02-12T08:30:00+08:00'],
    ['12 Feb 2025 08:30 EST', '2025-02-12T08:30:00-05:00'],
    ['Thu, 12 February 2025 8:30:00 +08:00', '2025-02-12T08:30:00+08:00'], // wrong weekday, full month
    ['Wed,12 Feb 25 08:30:00 GMT', '2025-02-12T08:30:00Z'], // two-digit year, no space
    ['Mon, 12 Feb 2025 08:30:00 GMT+0800', '2025-02-12T08:30:00+08:00'],
    ['wed, 12 feb 2025 08:30:00 gmt', '2025-02-12T08:30:00Z'],
    ['2025-02-12T08:30:00Z', '2025-02-12T08:30:00Z'],
    ['2025-02-12T08:30:00.123+08:00', '2025-02-12T08:30:00.123+08:00'],
    ['2025-02-12T08:30:00+0800', '2025-02-12T08:30:00+08:00'],
    ['20250212T083000Z', '2025-02-12T08:30:00Z'],
    ['2025-02-12', '2025-02-12T00:00:00Z'],
    ['2025-02-12 08:30:00', '2025-02-12T08:30:00Z'],
    ['2025-02-12 08:30:00', '2025-02-12T08:30:00+08:00', 480],
    ['2025年2月12日 08:30', '2025-02-12T08:30:00+08:00'],
    ['2025年02月12日', '2025-02-12T00:00:00+08:00'],
    ['2025年2月12日 下午3:05', '2025-02-12T15:05:00+08:00'],
    ['2025 年 2 月 12 日 08时30分', '2025-02-12T08:30:00+08:00'],
    ['2025/02/12 08:30', '2025-02-12T08:30:00Z'],
    ['Feb 12, 2025 8:30 PM', '2025-02-12T20:30:00Z'],
    ['February 12th, 2025', '2025-02-12T00:00:00Z'],
    ['1739320200', '2025-02-12T00:30:00Z'],
    ['1739320200000', '2025-02-12T00:30:00Z'],
    ['Wed, 30 Feb 2025 08:30:00 GMT', null], // no such day
    ['Tue, 11 Feb 2025 25:00:00 GMT', null],
    ['sometime last week', null],
    ['', null],
  ];
  it.each(cases)('reads %j', (input, expected, offset) => {
    expect(parseFeedDate(input, offset === undefined ? {} : { assumeOffsetMinutes: offset })).toBe(expected);
  });

  it('keeps the instant: the same moment in two zones compares equal', () => {
    const a = Date.parse(parseFeedDate('Wed, 12 Feb 2025 08:30:00 +0800')!);
    const b = Date.parse(parseFeedDate('2025-02-12T00:30:00Z')!);
    expect(a).toBe(b);
  });
});

describe('assumedOffsetMinutes', () => {
  it('follows the language tag, else the script of the titles', async () => {
    const { assumedOffsetMinutes } = await import('../../../../src/stages/fetch/parse-date.js');
    expect(assumedOffsetMinutes('zh-CN', 'anything')).toBe(480);
    expect(assumedOffsetMinutes('en', '中文标题')).toBe(0);
    expect(assumedOffsetMinutes(null, '关于调整公交线路的通知')).toBe(480);
    expect(assumedOffsetMinutes(null, '図書館のお知らせ')).toBe(540);
    expect(assumedOffsetMinutes(null, 'City council news')).toBe(0);
  });
});

describe('parseFeedDate quirks of Chinese sites', () => {
  it('reads CST as China Standard Time in a Chinese feed and as US Central elsewhere', () => {
    expect(parseFeedDate('Wed, 12 Feb 2025 08:30:00 CST', { assumeOffsetMinutes: 480 })).toBe('2025-02-12T08:30:00+08:00');
    expect(parseFeedDate('Wed, 12 Feb 2025 08:30:00 CST')).toBe('2025-02-12T08:30:00-06:00');
    expect(parseFeedDate('2025-02-12 08:30:00 CST', { assumeOffsetMinutes: 480 })).toBe('2025-02-12T08:30:00+08:00');
  });

  it('ignores a weekday before or words after the date', () => {
    expect(parseFeedDate('星期三 2025年2月12日 08:30')).toBe('2025-02-12T08:30:00+08:00');
    expect(parseFeedDate('2025-02-12 08:30:00 星期三', { assumeOffsetMinutes: 480 })).toBe('2025-02-12T08:30:00+08:00');
  });
});
