// Counts a text's letters by script, and its words outside CJK, for language detection and the model's features.
// A Han character or a kana or Hangul syllable carries about as much as a word, so CJK is weighed in characters and
// every other script in words.

export interface ScriptCounts {
  /** Letters of every script (CJK characters included). */
  letters: number;
  han: number;
  /** Hiragana and katakana (the prolonged sound mark included). */
  kana: number;
  hiragana: number;
  hangul: number;
  latin: number;
  cyrillic: number;
  arabic: number;
  /** Runs of letters outside CJK (digits inside a run do not break it: H20, A18, GPT5). */
  words: number;
  /**
   * Those of the words that read as prose: lower case, two letters or more, no digit (a script without case counts
   * as lower case). Names (OpenAI, iPhone, GPU, H20) are not: a Chinese headline quotes names, English prose has
   * words such as "the", "met", "in".
   */
  proseWords: number;
}

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;

export function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = { letters: 0, han: 0, kana: 0, hiragana: 0, hangul: 0, latin: 0, cyrillic: 0, arabic: 0, words: 0, proseWords: 0 };
  // The word being read: its letters, and whether it has a capital or a digit.
  let wordLetters = 0;
  let wordName = false;
  const endWord = () => {
    if (wordLetters === 0) return;
    c.words++;
    if (!wordName && wordLetters >= 2) c.proseWords++;
    wordLetters = 0;
    wordName = false;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      if ((code | 32) >= 97 && (code | 32) <= 122) {
        c.letters++;
        c.latin++;
        wordLetters++;
        if (code <= 90) wordName = true;
      } else if (code >= 48 && code <= 57) {
        if (wordLetters > 0) wordName = true;
      } else endWord();
      continue;
    }
    if (code >= 0x3040 && code <= 0x30ff) {
      endWord();
      // Hiragana and Katakana, except the middle dot shared with Chinese punctuation.
      if (code !== 0x30fb) {
        c.kana++;
        c.letters++;
        if (code <= 0x309f) c.hiragana++;
      }
    } else if ((code >= 0xac00 && code <= 0xd7af) || (code >= 0x1100 && code <= 0x11ff) || (code >= 0x3130 && code <= 0x318f)) {
      endWord();
      c.hangul++;
      c.letters++;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      endWord();
      // Astral Han (CJK Extension B+) and others: rare; count Han only.
      const ch = text.slice(i, i + 2);
      if (HAN.test(ch)) {
        c.han++;
        c.letters++;
      }
      i++;
    } else if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf)) {
      endWord();
      c.han++;
      c.letters++;
    } else if (code >= 0x3000 && code <= 0x303f) {
      endWord(); // CJK punctuation.
    } else {
      const ch = text[i]!;
      if (HAN.test(ch)) {
        endWord();
        c.han++;
        c.letters++;
      } else if (LETTER.test(ch)) {
        c.letters++;
        wordLetters++;
        if (UPPER.test(ch)) wordName = true;
        if (code >= 0x0400 && code <= 0x052f) c.cyrillic++;
        else if (code >= 0x0600 && code <= 0x06ff) c.arabic++;
        else if (code <= 0x024f || (code >= 0x1e00 && code <= 0x1eff)) c.latin++;
      } else if (!(code >= 0x0300 && code <= 0x036f) && !/\p{M}/u.test(ch)) {
        // Combining marks (Devanagari vowel signs, accents) stay inside their word.
        endWord();
      }
    }
  }
  endWord();
  return c;
}

/** Scripts told apart beyond Latin, Cyrillic and Arabic (ISO 15924), tried in this order. */
const OTHER_SCRIPTS = ['Greek', 'Hebrew', 'Devanagari', 'Thai', 'Bengali', 'Tamil', 'Telugu', 'Gujarati', 'Gurmukhi',
  'Kannada', 'Malayalam', 'Sinhala', 'Armenian', 'Georgian', 'Ethiopic', 'Khmer', 'Lao', 'Myanmar', 'Tibetan'] as const;
const ISO15924: Record<(typeof OTHER_SCRIPTS)[number], string> = {
  Greek: 'Grek', Hebrew: 'Hebr', Devanagari: 'Deva', Thai: 'Thai', Bengali: 'Beng', Tamil: 'Taml', Telugu: 'Telu',
  Gujarati: 'Gujr', Gurmukhi: 'Guru', Kannada: 'Knda', Malayalam: 'Mlym', Sinhala: 'Sinh', Armenian: 'Armn',
  Georgian: 'Geor', Ethiopic: 'Ethi', Khmer: 'Khmr', Lao: 'Laoo', Myanmar: 'Mymr', Tibetan: 'Tibt',
};
const OTHER_RES = OTHER_SCRIPTS.map((s) => [ISO15924[s], new RegExp(`\\p{Script=${s}}`, 'u')] as const);

/** ISO 15924 code of the script most of the letters outside CJK are in; Zyyy when none is. */
export function alphabetScript(text: string, c: ScriptCounts): string {
  const other = c.letters - c.han - c.kana - c.hangul - c.latin - c.cyrillic - c.arabic;
  const best = Math.max(c.latin, c.cyrillic, c.arabic);
  if (other > best) {
    const counts = new Map<string, number>();
    for (const ch of text) {
      if (ch.charCodeAt(0) < 0x0370) continue;
      const hit = OTHER_RES.find(([, re]) => re.test(ch));
      if (hit) counts.set(hit[0], (counts.get(hit[0]) ?? 0) + 1);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (top && top[1] > best) return top[0];
  }
  if (best === 0) return 'Zyyy';
  return c.cyrillic === best ? 'Cyrl' : c.arabic === best ? 'Arab' : 'Latn';
}
