import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { detectLanguage, normalizeHint } from '../../../../src/stages/classify/lang/detect-language.js';

const sentences = readFileSync(path.resolve(__dirname, '../../../fixtures/classify/lang-sentences.tsv'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t') as [string, string]);

describe('detectLanguage', () => {
  it('labels every two-sentence sample of the ten fixture languages correctly', () => {
    const byLang = new Map<string, string[]>();
    for (const [lang, s] of sentences) byLang.set(lang, [...(byLang.get(lang) ?? []), s]);
    expect([...byLang.keys()].sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'it', 'ja', 'pt', 'ru', 'zh']);
    const wrong: string[] = [];
    for (const [lang, list] of byLang) {
      for (let i = 0; i < list.length; i++) {
        const text = `${list[i]} ${list[(i + 1) % list.length]}`;
        const got = detectLanguage(text).lang;
        if (got !== lang) wrong.push(`${lang} → ${got}: ${text.slice(0, 40)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('tells Traditional from Simplified Chinese and keeps the primary subtag zh', () => {
    const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
    const zh = sentences.filter(([l]) => l === 'zh').map(([, s]) => s);
    for (const s of zh) {
      expect(detectLanguage(s)).toMatchObject({ lang: 'zh', script: 'Hans' });
      expect(detectLanguage(toTraditional(s))).toMatchObject({ lang: 'zh-Hant', script: 'Hant' });
    }
  });

  it('lets kana decide Japanese and Hangul decide Korean, even in short texts with kanji', () => {
    expect(detectLanguage('東京で会議が開かれた')).toMatchObject({ lang: 'ja', script: 'Jpan' });
    expect(detectLanguage('서울에서 정상회의가 열렸다')).toMatchObject({ lang: 'ko', script: 'Kore' });
  });

  it('gives short Han-only text zh with low confidence, long text high confidence', () => {
    const short = detectLanguage('人工智能');
    expect(short.lang).toBe('zh');
    expect(short.confidence).toBeLessThan(0.5);
    expect(detectLanguage(sentences.find(([l]) => l === 'zh')![1]).confidence).toBeGreaterThan(0.9);
  });

  it('returns und for text without letters, or the page hint', () => {
    expect(detectLanguage('12345 !!! 2025-02-10')).toMatchObject({ lang: 'und', confidence: 0 });
    expect(detectLanguage('', 'fr-FR').lang).toBe('fr');
  });

  it('normalises page hints to BCP 47 primary tags', () => {
    expect(normalizeHint('zh-CN')).toBe('zh');
    expect(normalizeHint('zh_TW')).toBe('zh-Hant');
    expect(normalizeHint('zh-Hant-HK')).toBe('zh-Hant');
    expect(normalizeHint('en-GB')).toBe('en');
  });
});
