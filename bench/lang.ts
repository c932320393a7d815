// Language benchmark: the detector on the ten fixture languages (50+ and 20 characters), on real Chinese headlines
// (../shared/corpus/classify-dev, many quoting Latin names), on Chinese tech headlines written for this bench (held out
// from the unit tests), on English texts quoting Chinese, and the Simplified/Traditional decision on those headlines
// converted by OpenCC. Run: npm run bench -- lang
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OpenCC from 'opencc-js';
import { detectLanguage } from '../src/stages/classify/lang/detect-language.js';
import { langSets } from './lang-sets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEV = [path.resolve(ROOT, '../shared/corpus/classify-dev'), '/work/shared/corpus/classify-dev'].find((d) =>
  existsSync(path.join(d, 'dev.txt')),
);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

const { byLang, long, short } = langSets(path.join(ROOT, 'test/fixtures/classify'));

/** Share of `set` whose detected language (primary subtag unless `exact`) is the expected one; and the misses. */
function score(set: Array<[string, string]>, hint?: string, exact = false): { acc: number; wrong: string[] } {
  const wrong: string[] = [];
  for (const [l, t] of set) {
    const got = detectLanguage(t, hint).lang;
    if ((exact ? got : got.split('-')[0]) !== l) wrong.push(`${got}: ${t}`);
  }
  return { acc: (set.length - wrong.length) / set.length, wrong };
}
const show = (label: string, r: { acc: number; wrong: string[] }, n: number) =>
  console.log(`  ${label.padEnd(44)} ${pct(r.acc).padStart(7)}  (${r.wrong.length} of ${n} wrong)${r.wrong.length ? `  e.g. ${r.wrong.slice(0, 3).join(' | ')}` : ''}`);

console.log(`fixture languages (${byLang.size}): ${long.length} texts of 50+ characters, ${short.length} of 20`);
show('50+ characters', score(long), long.length);
show('20 characters', score(short), short.length);
for (const [l] of byLang) {
  const r = score(long.filter(([x]) => x === l));
  if (r.wrong.length) show(`  50+ characters, ${l}`, r, long.filter(([x]) => x === l).length);
}

// Chinese tech headlines quoting Latin names, written for this bench (the unit tests have their own set).
const mixed = [
  'OpenAI发布GPT-5，ChatGPT Plus用户可用',
  'Meta开源Llama 3.1 405B模型',
  'iPhone 16 Pro Max评测',
  'Google I/O 2025：Gemini全面升级',
  '微软Copilot接入Windows 11',
  '英伟达发布Blackwell Ultra GPU',
  'Apple Vision Pro国行版正式发售',
  '特斯拉Model Y Juniper上市',
  'NVIDIA H20芯片出口受限',
  'DeepSeek-R1登顶App Store',
  'Apple Intelligence登陆iPhone 15 Pro和iPad Air',
  'AMD Ryzen 9 9950X3D首发测试',
  'Netflix Q2财报超预期',
  'SpaceX Starship第五次试飞成功',
  'Intel Core Ultra 200V笔记本上市',
  'Anthropic推出Claude 3.5 Sonnet',
  'PS5 Pro售价公布',
  'Switch 2发布会定档',
  'vivo X200 Ultra影像旗舰',
  'Xbox Game Pass涨价',
  'Steam Deck OLED国内开售',
  'Microsoft Build 2025: Azure AI Foundry更新',
  'Nintendo Switch Online新增GameCube游戏',
  'GitHub Copilot Workspace公测',
  'Tesla FSD V12入华',
];
const mixedSet: Array<[string, string]> = mixed.map((t) => ['zh', t]);
// English texts quoting Chinese: these must stay English.
const enQuoting: Array<[string, string]> = [
  'The Chinese term 内卷 (involution) describes intense competition among young workers.',
  'Xi Jinping (习近平) met Joe Biden in San Francisco on Wednesday.',
  'The word 躺平, or lying flat, spread on Chinese social media in 2021.',
  'Reporters said that the Ministry of Commerce (商务部) would publish new export rules on rare earths.',
  'Huawei said its HarmonyOS, known in China as 鸿蒙, now runs on more than a billion devices.',
].map((t) => ['en', t]);
console.log(`\nChinese headlines with Latin names (${mixed.length}), English quoting Chinese (${enQuoting.length})`);
show('Chinese tech headlines', score(mixedSet), mixedSet.length);
show('Chinese tech headlines, hint zh-CN', score(mixedSet, 'zh-CN'), mixedSet.length);
show('English quoting Chinese', score(enQuoting), enQuoting.length);

if (DEV) {
  const heads = readFileSync(path.join(DEV, 'dev.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t')[0]!);
  const withLatin = heads.filter((h) => /[A-Za-z]/.test(h));
  const toTw = OpenCC.Converter({ from: 'cn', to: 'tw' });
  const toHk = OpenCC.Converter({ from: 'cn', to: 'hk' });
  const hans: Array<[string, string]> = heads.map((h) => ['zh', h]);
  const tw: Array<[string, string]> = heads.map((h) => ['zh-Hant', toTw(h)]);
  const hk: Array<[string, string]> = heads.map((h) => ['zh-Hant', toHk(h)]);
  // Headlines whose OpenCC Traditional form is the same text: only the hint can tell them.
  const same = heads.filter((h) => toTw(h) === h);
  console.log(`\nclassify-dev: ${heads.length} Simplified headlines (${withLatin.length} with Latin letters), converted by OpenCC`);
  show('language zh (any script)', score(hans), hans.length);
  show('language zh, headlines with Latin letters', score(withLatin.map((h) => ['zh', h])), withLatin.length);
  show('Simplified → zh', score(hans, undefined, true), hans.length);
  show('Traditional (cn→tw) → zh-Hant', score(tw, undefined, true), tw.length);
  show('Traditional (cn→hk) → zh-Hant', score(hk, undefined, true), hk.length);
  show('Simplified, hint zh-CN → zh', score(hans, 'zh-CN', true), hans.length);
  show('Traditional (cn→tw), hint zh-TW → zh-Hant', score(tw, 'zh-TW', true), tw.length);
  console.log(`  (${same.length} headlines read the same in both scripts)`);
}

const t0 = performance.now();
let n = 0;
for (let r = 0; r < 5; r++) for (const [, t] of long) (detectLanguage(t), n++);
console.log(`\nspeed: ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} texts/s on the 50+ character texts`);
