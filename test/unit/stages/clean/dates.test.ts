import { describe, expect, it } from 'vitest';
import { monthOf, normalizeOffset, parseDate } from '../../../../src/stages/clean/dates.js';

describe('parseDate', () => {
  it.each([
    ['2024-04-16T07:45:00+01:00', '+00:00', '2024-04-16T07:45:00+01:00'],
    ['2024-04-16T06:45:00Z', '+08:00', '2024-04-16T06:45:00Z'],
    ['2024-04-16T07:45:00.123+0530', '+00:00', '2024-04-16T07:45:00+05:30'],
    ['2024-04-16', '+08:00', '2024-04-16T00:00:00+08:00'],
    ['2024/4/6 9:05', '+08:00', '2024-04-06T09:05:00+08:00'],
    ['2025年2月12日 10:30', '+08:00', '2025-02-12T10:30:00+08:00'],
    ['2025年02月12日', '+08:00', '2025-02-12T00:00:00+08:00'],
    ['2025年2月12日 下午3:05', '+08:00', '2025-02-12T15:05:00+08:00'],
    ['1739318400', '+08:00', '2025-02-12T08:00:00+08:00'],
    ['Wed, 12 Feb 2025 10:30:00 GMT', '+08:00', '2025-02-12T10:30:00Z'],
    ['Wed, 12 Feb 2025 10:30:00 +0100', '+00:00', '2025-02-12T10:30:00+01:00'],
    ['12. Februar 2025, 14:05', '+01:00', '2025-02-12T14:05:00+01:00'],
    ['12.02.2025 14:05', '+01:00', '2025-02-12T14:05:00+01:00'],
    ['February 12, 2025 at 3:05 pm', '+00:00', '2025-02-12T15:05:00Z'],
  ])('reads %s', (input, offset, expected) => {
    expect(parseDate(input, offset)).toBe(expected);
  });

  it('rejects what is not a date', () => {
    expect(parseDate('Tuesday', '+00:00')).toBeNull();
    expect(parseDate('2024-13-40', '+00:00')).toBeNull();
    expect(parseDate('', '+00:00')).toBeNull();
    expect(parseDate(null)).toBeNull();
    expect(parseDate('Updated: 2 hours ago', '+00:00')).toBeNull();
    expect(parseDate('12 Jahre 2025', '+00:00')).toBeNull();
  });
});

describe('parseDate keeps the zone the text writes', () => {
  // The page default is +09:00 throughout, so a zone that is dropped shows.
  it.each([
    // after AM/PM
    ['Feb 12, 2025 3:05 PM EST', '2025-02-12T15:05:00-05:00'],
    ['Feb 12, 2025 at 3:05 p.m. EDT', '2025-02-12T15:05:00-04:00'],
    ['Dec. 5, 2024, 10:30 a.m. PST', '2024-12-05T10:30:00-08:00'],
    ['12 May 2025 11:59pm GMT', '2025-05-12T23:59:00Z'],
    // GMT/UTC followed by an offset, JavaScript's Date#toString form included
    ['Wed Feb 12 2025 15:05:00 GMT+0800 (China Standard Time)', '2025-02-12T15:05:00+08:00'],
    ['Tue Feb 20 2018 01:00:00 GMT+0100 (Central European Standard Time)', '2018-02-20T01:00:00+01:00'],
    ['2025-02-12 15:05:00 GMT+0800', '2025-02-12T15:05:00+08:00'],
    ['2025-02-12 15:05 GMT +08:00', '2025-02-12T15:05:00+08:00'],
    ['2025-02-12 15:05 UTC-3', '2025-02-12T15:05:00-03:00'],
    ['2025-02-12 15:05 UTC+5:30', '2025-02-12T15:05:00+05:30'],
    ['Wed, 12 Feb 2025 15:05:00 GMT-0500', '2025-02-12T15:05:00-05:00'],
    // in parentheses
    ['2025-02-12 15:05 (UTC+8)', '2025-02-12T15:05:00+08:00'],
    ['2025-02-12 15:05 (GMT+08:00)', '2025-02-12T15:05:00+08:00'],
    ['12.02.2025 15:05 (CET)', '2025-02-12T15:05:00+01:00'],
    // plain offsets and names, words before the time
    ['2025-02-12 15:05 -0500', '2025-02-12T15:05:00-05:00'],
    ['Mittwoch, 12. Februar 2025, 14:05 Uhr MEZ', '2025-02-12T14:05:00+01:00'],
    ['12 May 2025 23:59 BST', '2025-05-12T23:59:00+01:00'],
    // a time written before the date
    ['3:05 PM EST, Feb 12, 2025', '2025-02-12T15:05:00-05:00'],
    // "Beijing time" before the date
    ['北京时间2025年2月12日 10:30', '2025-02-12T10:30:00+08:00'],
  ])('%s', (input, expected) => {
    expect(parseDate(input, '+09:00')).toBe(expected);
  });

  it('takes the page default when no zone is written', () => {
    expect(parseDate('Feb 12, 2025 3:05 PM', '+09:00')).toBe('2025-02-12T15:05:00+09:00');
    expect(parseDate('2025-02-12 15:05', '-05:00')).toBe('2025-02-12T15:05:00-05:00');
  });
});

describe('parseDate reads times of day', () => {
  it.each([
    ['2025/2/12 下午3:05', '2025-02-12T15:05:00+08:00'],
    ['2025-02-12 上午9:05', '2025-02-12T09:05:00+08:00'],
    ['2025-02-12 晚上8:00', '2025-02-12T20:00:00+08:00'],
    ['2025年2月12日 凌晨12:30', '2025-02-12T00:30:00+08:00'],
    ['2025年2月12日 中午12:30', '2025-02-12T12:30:00+08:00'],
    ['2025年2月12日 中午1:30', '2025-02-12T13:30:00+08:00'],
    ['2025年2月12日 星期三 10:30', '2025-02-12T10:30:00+08:00'],
    ['2025年2月12日 10时30分', '2025-02-12T10:30:00+08:00'],
    ['Feb 12, 2025 12:30 am', '2025-02-12T00:30:00+08:00'],
    ['Feb 12, 2025 12:30 PM', '2025-02-12T12:30:00+08:00'],
    ['2025-02-12 3:05pm', '2025-02-12T15:05:00+08:00'],
    ['12 février 2025 à 14h05', '2025-02-12T14:05:00+08:00'],
    ['12 de febrero de 2025 a las 10:05', '2025-02-12T10:05:00+08:00'],
    ['3 de março de 2025 às 10:00', '2025-03-03T10:00:00+08:00'],
    ['14 ottobre 2024 ore 10:30', '2024-10-14T10:30:00+08:00'],
  ])('%s', (input, expected) => {
    expect(parseDate(input, '+08:00')).toBe(expected);
  });
});

describe('parseDate reads month names in several languages', () => {
  it.each([
    ['12 février 2025', '2025-02-12'],
    ['3 juillet 2025', '2025-07-03'],
    ['1er mars 2025', '2025-03-01'],
    ['2 décembre 2024', '2024-12-02'],
    ['12 fevrier 2025', '2025-02-12'],
    ['15 août 2025', '2025-08-15'],
    ['12 de febrero de 2025', '2025-02-12'],
    ['5 de septiembre de 2024', '2024-09-05'],
    ['14 ottobre 2024', '2024-10-14'],
    ['3 de março de 2025', '2025-03-03'],
    ['12 lutego 2025', '2025-02-12'],
    ['1 października 2024', '2024-10-01'],
    ['12 maart 2025', '2025-03-12'],
    ['5. März 2025', '2025-03-05'],
    ['5. Jänner 2025', '2025-01-05'],
    ['Mär 5, 2025', '2025-03-05'],
    ['12 Sept 2025', '2025-09-12'],
    ['12th February 2025', '2025-02-12'],
    ['February 12th, 2025', '2025-02-12'],
    ['Sept. 3, 2024', '2024-09-03'],
    ['Oct 3 2024', '2024-10-03'],
  ])('%s', (input, day) => {
    expect(parseDate(input, '+00:00')).toBe(`${day}T00:00:00Z`);
  });
});

describe('monthOf', () => {
  it('knows full names and unambiguous prefixes, with or without accents', () => {
    expect(monthOf('février')).toBe(2);
    expect(monthOf('fevrier')).toBe(2);
    expect(monthOf('févr.')).toBe(2);
    expect(monthOf('juillet')).toBe(7);
    expect(monthOf('juil')).toBe(7);
    expect(monthOf('Sept')).toBe(9);
    expect(monthOf('Mär')).toBe(3);
    expect(monthOf('mai')).toBe(5);
    expect(monthOf('DECEMBER')).toBe(12);
  });

  it('refuses prefixes that fit two months, and words that are no month', () => {
    expect(monthOf('ju')).toBeNull();
    expect(monthOf('jui')).toBeNull(); // juin or juillet
    expect(monthOf('month')).toBeNull();
    expect(monthOf('Marathon')).toBeNull();
  });
});

describe('normalizeOffset', () => {
  it.each([
    ['Z', '+00:00'],
    ['GMT', '+00:00'],
    ['GMT+0800', '+08:00'],
    ['GMT+8', '+08:00'],
    ['UTC-03:30', '-03:30'],
    ['utc +5', '+05:00'],
    ['+0530', '+05:30'],
    ['EST', '-05:00'],
    ['cest', '+02:00'],
  ])('%s', (zone, expected) => {
    expect(normalizeOffset(zone)).toBe(expected);
  });

  it('refuses what is not a zone', () => {
    expect(normalizeOffset('GMT+25')).toBeNull();
    expect(normalizeOffset('XYZ')).toBeNull();
    expect(normalizeOffset(undefined)).toBeNull();
  });
});
