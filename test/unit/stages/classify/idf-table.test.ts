import { describe, expect, it } from 'vitest';
import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';
import { IdfTable } from '../../../../src/stages/classify/keywords/idf-table.js';

describe('IdfTable', () => {
  it("holds every word of jieba's IDF list with its value, and no other word", () => {
    const text = Buffer.from(jiebaIdf).toString('utf8');
    const expected = new Map<string, number>();
    for (const line of text.split('\n')) {
      const sp = line.lastIndexOf(' ');
      if (sp > 0) expected.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    const table = IdfTable.parse(text);
    expect(table.size).toBe(expected.size);
    const wrong: string[] = [];
    for (const [word, idf] of expected) if (table.get(word) !== idf) wrong.push(word);
    expect(wrong).toEqual([]);
    // Near misses of listed words: longer, shorter, doubled.
    const absent = [...expected.keys()].slice(0, 20_000).flatMap((w) => [`${w}x`, `${w}${w}`, w.slice(1)]).filter((w) => !expected.has(w));
    expect(absent.filter((w) => table.get(w) !== undefined)).toEqual([]);
    const sorted = [...expected.values()].sort((a, b) => a - b);
    expect(table.median).toBe(sorted[Math.floor(sorted.length / 2)]);
  });

  it('keeps the last value of a word listed twice and counts it once', () => {
    const table = IdfTable.parse('卫星 9.5\n轨道 11.25\n卫星 12\n\nbroken\n');
    expect(table.get('卫星')).toBe(12);
    expect(table.get('轨道')).toBe(11.25);
    expect(table.get('broken')).toBeUndefined();
    expect(table.size).toBe(2);
    expect(table.median).toBe(12);
  });

  it('finds words whose slots collide, and is empty with a median of 10 when given nothing', () => {
    // 64 words in 128 slots: by the birthday bound about 16 pairs share a start slot, so probing is exercised.
    const entries = Array.from({ length: 64 }, (_, i) => [`词${i}`, i] as const);
    const table = IdfTable.of(entries);
    for (const [w, v] of entries) expect(table.get(w)).toBe(v);
    expect(table.get('词64')).toBeUndefined();
    const empty = IdfTable.of([]);
    expect(empty.get('词')).toBeUndefined();
    expect(empty.median).toBe(10);
  });
});
