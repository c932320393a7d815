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

  // Chinese headlines quoting Latin names: a Han character weighs about a word, and names are no prose.
  const mixedHeadlines = [
    '小米SU7 Ultra量产版发布',
    '华为Mate 70系列搭载HarmonyOS NEXT',
    'Apple Watch Series 10续航测试',
    'AWS re:Invent大会推出Amazon Nova模型',
    'Sora向ChatGPT Pro用户开放',
    '字节跳动发布豆包Pro大模型',
    'Nvidia RTX 5090显卡跑分曝光',
    'OPPO Find X8 Pro影像评测',
    'Samsung Galaxy S25 Ultra国行售价公布',
    'Stable Diffusion 3 Medium开源',
    'Mistral Large 2对标GPT-4o',
    'Cloudflare Workers AI支持Llama 3',
    '腾讯混元Turbo S上线',
    'Arm Cortex-X925架构解析',
    'Windows 11 24H2更新推送',
    'macOS Sequoia正式版发布',
    'Epic Games Store限免《Hogwarts Legacy》',
    'Qualcomm Snapdragon 8 Elite性能实测',
    'Kimi k1.5多模态思考模型',
    'Vision Pro 2或推迟至2026年',
    'TikTok Shop美国站GMV翻倍',
    'ASML EUV光刻机出口管制升级',
  ];

  it('labels Chinese headlines that quote Latin product names as Chinese', () => {
    const wrong = mixedHeadlines.map((t) => [t, detectLanguage(t)] as const).filter(([, r]) => r.lang !== 'zh' || r.script !== 'Hans');
    expect(wrong.map(([t, r]) => `${r.lang}/${r.script}: ${t}`)).toEqual([]);
  });

  it('keeps English that quotes a Chinese term or name English', () => {
    expect(detectLanguage('The Chinese term 内卷 (involution) describes intense competition among young workers.').lang).toBe('en');
    expect(detectLanguage('Xi Jinping (习近平) met Joe Biden in San Francisco on Wednesday.').lang).toBe('en');
  });

  it('lets a zh or ja page hint decide a text with Han that eld would guess', () => {
    expect(detectLanguage('iPhone 16 Pro Max评测', 'zh-CN')).toMatchObject({ lang: 'zh', script: 'Hans' });
    expect(detectLanguage('Apple Intelligence登陆iPhone 15 Pro和iPad Air', 'zh-CN').lang).toBe('zh');
    expect(detectLanguage('東京都知事選挙', 'ja')).toMatchObject({ lang: 'ja', script: 'Jpan' });
    // eld unsure of a text of names alone: the page decides; eld sure of prose: eld does.
    expect(detectLanguage('iPhone 16 Pro Max', 'zh-CN').lang).toBe('zh');
    expect(detectLanguage('Xi Jinping (习近平) met Joe Biden in San Francisco on Wednesday.', 'zh-CN').lang).toBe('en');
    // A hint does not overrule a text of another script.
    expect(detectLanguage('Правительство России объявило о новых мерах поддержки экономики.', 'zh-CN').lang).toBe('ru');
  });

  it('takes the hint, or und, for text with too few letters to tell a language', () => {
    expect(detectLanguage('2024 Q3: 12.5% 3,400 1.2bn 7/10 99')).toMatchObject({ lang: 'und', confidence: 0 });
    expect(detectLanguage('2024 Q3: 12.5% 3,400 1.2bn 7/10 99', 'zh-CN').lang).toBe('zh');
  });

  it('reads Japanese from hiragana, not from a katakana title quoted in Chinese', () => {
    expect(detectLanguage('索尼发布新款PlayStation游戏机，《ポケモン》新作同步上市')).toMatchObject({ lang: 'zh', script: 'Hans' });
    expect(detectLanguage('据日本共同社报道，丰田汽车（トヨタ自動車）今天宣布将在中国市场推出新款电动汽车。')).toMatchObject({ lang: 'zh' });
    expect(detectLanguage('日銀、追加利上げを決定')).toMatchObject({ lang: 'ja', script: 'Jpan' });
    expect(detectLanguage('ソニー、新型PS5発表')).toMatchObject({ lang: 'ja', script: 'Jpan' });
    expect(detectLanguage('任天堂スイッチ2発売日決定')).toMatchObject({ lang: 'ja' });
    expect(detectLanguage('삼성전자 Galaxy S25 Ultra 공개')).toMatchObject({ lang: 'ko', script: 'Kore' });
    // Katakana alone on a page that says Chinese is a quoted name.
    expect(detectLanguage('《ファイナルファンタジー》新作', 'zh-CN').lang).toBe('zh');
  });

  it('counts characters both scripts write (台, 里, 后, 干, 范, 云) for neither, so the hint decides', () => {
    expect(detectLanguage('台股今日收高', 'zh-TW')).toMatchObject({ lang: 'zh-Hant', script: 'Hant' });
    expect(detectLanguage('台北市政府今日宣布新政策', 'zh-TW').lang).toBe('zh-Hant');
    expect(detectLanguage('范云在公里之后', 'zh-Hant').lang).toBe('zh-Hant');
    expect(detectLanguage('台股今日收高').lang).toBe('zh');
    // Characters of one script still outvote the hint.
    expect(detectLanguage('国务院发布新规划', 'zh-TW').lang).toBe('zh');
    expect(detectLanguage('颱風來襲 台南停班停課', 'zh-CN').lang).toBe('zh-Hant');
  });

  it('names the script of Greek, Hebrew, Devanagari and Thai text', () => {
    expect(detectLanguage('Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία.')).toMatchObject({ lang: 'el', script: 'Grek' });
    expect(detectLanguage('הממשלה הודיעה היום על צעדים חדשים לתמיכה בכלכלה.')).toMatchObject({ lang: 'he', script: 'Hebr' });
    expect(detectLanguage('भारत सरकार ने आज अर्थव्यवस्था के लिए नए उपायों की घोषणा की।')).toMatchObject({ lang: 'hi', script: 'Deva' });
    expect(detectLanguage('รัฐบาลไทยประกาศมาตรการใหม่เพื่อสนับสนุนเศรษฐกิจ')).toMatchObject({ lang: 'th', script: 'Thai' });
    expect(detectLanguage('Правительство России объявило о новых мерах.').script).toBe('Cyrl');
    expect(detectLanguage('أعلنت الحكومة المصرية اليوم عن إجراءات جديدة لدعم الاقتصاد.').script).toBe('Arab');
  });

  it('reads full-width Latin as Latin', () => {
    expect(detectLanguage('ＡＩ ｓｕｍｍｉｔ in Seoul draws world leaders and tech executives')).toMatchObject({ lang: 'en', script: 'Latn' });
    expect(detectLanguage('ＡＩ ｓｕｍｍｉｔ in Seoul').lang).not.toBe('ja');
  });

  it('normalises page hints to BCP 47 primary tags', () => {
    expect(normalizeHint('zh-CN')).toBe('zh');
    expect(normalizeHint('zh_TW')).toBe('zh-Hant');
    expect(normalizeHint('zh-Hant-HK')).toBe('zh-Hant');
    expect(normalizeHint('en-GB')).toBe('en');
  });
});
