// Language and script of a text. Scripts that name their language decide first (kana → ja, Hangul → ko, Han →
// zh) when CJK leads the text; other texts go to eld, chosen by measurement (bench/classify.ts: 100% on 50+ character
// texts across ten languages, ahead of tinyld and franc, and the fastest of the three). `npm run bench -- lang`
// measures this detector on mixed Chinese and Latin headlines and on Simplified against Traditional.
import { eld } from 'eld/medium';
import { countChineseVariants } from '../text/fold.js';
import { alphabetScript, countScripts, type ScriptCounts } from './count-scripts.js';

export { countScripts, type ScriptCounts } from './count-scripts.js';

export interface LanguageResult {
  /** BCP 47: ISO 639-1 code, "zh-Hant" for Traditional Chinese (Simplified is plain "zh"), "und" when unknown. */
  lang: string;
  /** ISO 15924 script of the text's letters: Hans, Hant, Jpan, Kore, Latn, Cyrl, Arab, Grek, ... */
  script: string;
  confidence: number;
}

const SAMPLE_CHARS = 3_000;
/** Fewer letters outside CJK than this say nothing of a language ("2024 Q3: 12.5%", "AI"). */
const MIN_LETTERS = 4;
/** Full-width Latin and half-width katakana: folded (NFKC) before counting, so "ＡＩ" reads as "AI". */
const WIDTH_FORMS = /[\uff01-\uff5e\uff65-\uff9f]/;

/** Confidence that grows with the amount of evidence: short texts are never certain. */
const lengthFactor = (letters: number, full: number) => Math.min(1, 0.4 + (0.6 * letters) / full);
const round = (x: number) => Math.round(x * 1000) / 1000;

export function detectLanguage(text: string, hint?: string | null): LanguageResult {
  let sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  if (WIDTH_FORMS.test(sample)) sample = sample.normalize('NFKC');
  const c = countScripts(sample);
  const hinted = hint ? normalizeHint(hint) : null;
  const h = hinted === 'und' ? null : hinted;
  if (c.letters === 0) return { lang: h ?? 'und', script: 'Zyyy', confidence: 0 };

  const cjk = c.han + c.kana + c.hangul;
  // A CJK character weighs about a word: CJK leads when it holds a third of the units (characters plus words), or a
  // fifth when every word outside it is a name (iPhone 16 Pro Max评测, OpenAI发布GPT-5).
  const leads = cjk > 0 && (cjk >= 0.5 * c.words || (c.proseWords === 0 && cjk >= 0.25 * c.words));
  if (leads) return detectCjk(sample, c, h);

  const script = alphabetScript(sample, c);
  const alphabetic = c.letters - cjk;
  // Han in a text that the page says is Chinese or Japanese: the page decides when the Han is a quarter of the units
  // (Apple Intelligence登陆iPhone 15 Pro和iPad Air), or when eld is unsure (below).
  const cjkHint = h !== null && (h.startsWith('zh') || h === 'ja') && c.han + c.kana > 0;
  if (cjkHint && cjk >= 0.25 * (cjk + c.words)) return detectCjk(sample, c, h);
  if (alphabetic < MIN_LETTERS) return { lang: h ?? 'und', script, confidence: 0 };

  const result = eld.detect(sample);
  const scores = Object.entries(result.getScores()).sort((a, b) => b[1] - a[1]);
  if (!result.language || scores.length === 0) {
    return cjkHint ? detectCjk(sample, c, h) : { lang: h ?? 'und', script, confidence: 0 };
  }
  const [top, second] = [scores[0]![1], scores[1]?.[1] ?? 0];
  // eld scores are per-language n-gram averages; the relative margin over the runner-up is what separates
  // confident answers from guesses between close languages (es/pt/gl, da/no).
  const margin = top > 0 ? (top - second) / top : 0;
  let confidence = Math.min(1, 0.55 + 2 * margin) * lengthFactor(alphabetic, 50);
  if (!result.isReliable()) confidence *= 0.6;
  // An unsure guess yields to the page ("iPhone 16 Pro Max" on a Chinese page is no German).
  if (h && confidence < 0.5) {
    return cjkHint ? detectCjk(sample, c, h) : { lang: h, script, confidence: round(Math.max(confidence, 0.5)) };
  }
  return { lang: result.language, script, confidence: round(confidence) };
}

/** Language of a text whose CJK characters lead (or that a CJK page hint takes): Hangul, kana, then Han. */
function detectCjk(sample: string, c: ScriptCounts, hint: string | null): LanguageResult {
  const cjk = c.han + c.kana + c.hangul;
  // Confidence falls with the share of units outside CJK (names in a Chinese headline).
  const share = Math.min(1, 0.6 + (0.4 * cjk) / (cjk + c.words));
  if (c.hangul > 0 && c.hangul >= 0.3 * cjk) {
    return { lang: 'ko', script: 'Kore', confidence: round(lengthFactor(c.hangul, 20) * share) };
  }
  const hanKana = c.han + c.kana;
  // Japanese prose nearly always has hiragana (particles, endings); katakana alone is more often a Japanese name
  // quoted in Chinese (《ポケモン》), unless it is a large share of the text and the page does not say Chinese.
  const hiraganaSays = c.hiragana > 0 && c.hiragana >= 0.05 * hanKana;
  const katakanaSays = c.kana >= 0.3 * hanKana && !hint?.startsWith('zh');
  if (hiraganaSays || katakanaSays) {
    const conf = lengthFactor(hanKana, 20) * Math.min(1, 0.7 + c.kana / hanKana) * share;
    return { lang: 'ja', script: 'Jpan', confidence: round(c.hiragana > 0 ? conf : conf * 0.8) };
  }
  // Han-only text may be Japanese kanji or Korean hanja; without kana or Hangul, Chinese is by far the likeliest,
  // but only a text of some length makes it sure.
  if (hint === 'ja' && c.han < 30) return { lang: 'ja', script: 'Jpan', confidence: 0.5 };
  const confidence = round(lengthFactor(c.han, 30) * (c.han >= 10 ? 1 : 0.6) * share);
  return traditionalChinese(sample, hint) ? { lang: 'zh-Hant', script: 'Hant', confidence } : { lang: 'zh', script: 'Hans', confidence };
}

/**
 * Whether Chinese text is Traditional: by the characters that exist in one script only, when they differ by two or
 * more; otherwise (台股今日收高 reads the same in both) by the page's hint, and Simplified without one.
 */
function traditionalChinese(sample: string, hint: string | null): boolean {
  const v = countChineseVariants(sample.length > 1_000 ? sample.slice(0, 1_000) : sample);
  const diff = v.traditional - v.simplified;
  if (Math.abs(diff) >= 2 || hint === null || !hint.startsWith('zh')) return diff > 0;
  return hint === 'zh-Hant';
}

/** "zh-CN" → "zh", "zh_TW"/"zh-Hant" → "zh-Hant", "en-GB" → "en". */
export function normalizeHint(hint: string): string {
  const h = hint.trim().replace(/_/g, '-').toLowerCase();
  const primary = h.split('-')[0] ?? 'und';
  if (primary === 'zh') return /-(hant|tw|hk|mo)\b/.test(h) ? 'zh-Hant' : 'zh';
  return /^[a-z]{2,3}$/.test(primary) ? primary : 'und';
}
