import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../../../src/stages/classify/classifier.js';
import { ClassifyConfigSchema } from '../../../../src/stages/classify/config.js';
import { loadRulesFile } from '../../../../src/stages/classify/rules/watch-rules.js';
import { TermIndex } from '../../../../src/stages/classify/match/term-index.js';
import type { ClassifyInput } from '../../../../src/stages/classify/types.js';

const CONFIG_DIR = path.resolve(__dirname, '../../../../config');
const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-rules-'));

function rulesFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

function classifierWith(rules: Record<string, string>) {
  const body = Object.entries(rules)
    .map(([id, query]) => `  - id: ${id}\n    version: 3\n    query: ${JSON.stringify(query)}\n`)
    .join('');
  const file = rulesFile(`rules-${Object.keys(rules).join('-')}.yaml`, `rules:\n${body}`);
  return loadClassifier(ClassifyConfigSchema.parse({ rulesFile: file, learnKeywordFrequencies: false }), CONFIG_DIR);
}

function fired(rules: Record<string, string>, input: Partial<ClassifyInput>) {
  const c = classifierWith(rules).classify({ title: null, text: '', ...input });
  return Object.fromEntries(c.rules.map((r) => [r.rule, r]));
}

describe('watch rules', () => {
  it('reports rule id, version and hits whose offsets point at the original characters', () => {
    const title = 'ＡＩ summit opens';
    const text = 'Leaders of the United  States and France met.\n人工智能峰会在巴黎举行。';
    const m = fired({ r: '(AI OR 人工智能) AND (summit OR 峰会) AND "united states"' }, { title, text }).r!;
    expect(m.version).toBe('3');
    expect(m.hits).toEqual([
      { term: 'ＡＩ', field: 'title', start: 0, end: 2 },
      { term: 'summit', field: 'title', start: 3, end: 9 },
      { term: 'United  States', field: 'text', start: 15, end: 29 },
      { term: '人工智能', field: 'text', start: 46, end: 50 },
      { term: '峰会', field: 'text', start: 50, end: 52 },
    ]);
  });

  it('matches Latin terms at word boundaries only and Chinese terms as contiguous text', () => {
    const rules = { ai: 'AI', summit: '峰会' };
    expect(Object.keys(fired(rules, { text: 'He said the Mumbai office is closed.' }))).toEqual([]);
    expect(Object.keys(fired(rules, { text: '法国AI行动峰会开幕' })).sort()).toEqual(['ai', 'summit']);
  });

  it('matches a Chinese term inside a word, but not across a word boundary', () => {
    const rules = { cn: '中国', ai: '智能', fr: '法国' };
    // 智能 lies within 人工智能; 中国 in 其中|国有企业 and 法国 in 非法|国际 straddle two words.
    expect(Object.keys(fired(rules, { text: '人工智能峰会开幕。其中国有企业占比超过一半。警方破获一起非法国际贩运案件。' }))).toEqual(['ai']);
    expect(Object.keys(fired(rules, { title: '中国与法国代表会谈', text: '' })).sort()).toEqual(['cn', 'fr']);
  });

  it('does not count an alias a gazetteer blocker takes, and keeps other terms inside it', () => {
    const rules = { 'cn-us': '中美', americas: '美洲', us: '美国' };
    // 中美洲 (Central America) and 拉美 (Latin America) are blockers: 中美 and 美国 are no mention there.
    expect(Object.keys(fired(rules, { text: '中美洲多国遭遇飓风袭击。' }))).toEqual(['americas']);
    expect(Object.keys(fired(rules, { text: '拉美国家领导人出席。' }))).toEqual([]);
    expect(Object.keys(fired(rules, { text: '中美关系出现缓和迹象。' }))).toEqual(['cn-us']);
  });

  it('does not fire the shipped china-us-relations rule on 中美洲 or on 中国 across words', () => {
    const shipped = loadClassifier(ClassifyConfigSchema.parse({ learnKeywordFrequencies: false }), CONFIG_DIR);
    const rulesOf = (text: string) => shipped.classify({ title: null, text }).rules.map((r) => r.rule);
    expect(rulesOf('中美洲多国遭遇飓风袭击。')).toEqual([]);
    expect(rulesOf('其中国有企业占比超过一半，与美国的关系引人关注。')).toEqual([]);
    expect(rulesOf('中国与美国的关系引人关注。')).toEqual(['china-us-relations']);
  });

  it('matches a Korean term at the start of a word, whatever particle or ending follows it', () => {
    const rules = { us: '미국', deal: '"무역 협정"' };
    const m = fired(rules, { text: '미국은 한국과 무역 협정을 맺었다. 미국의 입장.' });
    expect(m.us!.hits).toEqual([
      { term: '미국', field: 'text', start: 0, end: 2 },
      { term: '미국', field: 'text', start: 20, end: 22 },
    ]);
    expect(m.deal!.hits).toEqual([{ term: '무역 협정', field: 'text', start: 8, end: 13 }]);
    // Not inside a word: 남미국가 (South American countries) holds 미국 and is no mention of it.
    expect(Object.keys(fired(rules, { text: '남미국가 연합' }))).toEqual([]);
  });

  it('keeps acronyms case-sensitive: US is not us', () => {
    expect(fired({ us: 'US' }, { text: 'Tell us what you think.' }).us).toBeUndefined();
    expect(fired({ us: 'US' }, { text: 'The US economy grew.' }).us).toBeDefined();
  });

  it('matches prefixes at word starts', () => {
    const m = fired({ reg: 'regulat*' }, { text: 'Regulators published a regulation; deregulation was not discussed.' }).reg!;
    expect(m.hits.map((h) => h.term)).toEqual(['Regulators', 'regulation']);
  });

  it('folds Traditional to Simplified and reports the Traditional characters', () => {
    const text = '臺灣的半導體產業';
    const m = fired({ tw: '台湾 AND 半导体' }, { text }).tw!;
    expect(m.hits.map((h) => text.slice(h.start, h.end))).toEqual(['臺灣', '半導體']);
  });

  it('applies NOT, field scopes and metadata scopes', () => {
    const rules = {
      notSport: 'AI NOT football',
      inTitle: 'title:AI',
      zhOnly: 'lang:zh AND 峰会',
      gov: 'site:gov.cn AND 峰会',
      feed: 'source:xinhua AND 峰会',
    };
    const en = fired(rules, { title: 'News', text: 'AI coaches for football teams' });
    expect(Object.keys(en)).toEqual([]);
    const zh = fired(rules, { title: 'AI峰会', text: '人工智能峰会今天开幕。', url: 'https://www.miit.gov.cn/a.html', sourceId: 'xinhua' });
    expect(Object.keys(zh).sort()).toEqual(['feed', 'gov', 'inTitle', 'notSport', 'zhOnly']);
    expect(zh.zhOnly!.hits).toContainEqual({ term: 'lang:zh', field: 'lang', start: 0, end: 2 });
    expect(zh.inTitle!.hits).toEqual([{ term: 'AI', field: 'title', start: 0, end: 2 }]);
  });

  it('scopes lang to a language and its variants, site to a host and its subdomains, and takes prefixes', () => {
    const rules = { zh: 'lang:zh AND 峰会', gov: 'site:gov.cn AND 峰会', vcn: 'site:v.cn AND 峰会', xin: 'source:xin* AND 峰会', www: 'site:www.gov.cn AND 峰会' };
    const at = (url: string, text = '人工智能峰会今天开幕。', sourceId = 'xinhua') => Object.keys(fired(rules, { text, url, sourceId })).sort();
    // "www." is no part of a site, in the rule as in the article's address.
    expect(at('https://gov.cn/a')).toEqual(['gov', 'www', 'xin', 'zh']);
    expect(at('https://www.gov.cn/a')).toEqual(['gov', 'www', 'xin', 'zh']);
    expect(at('https://www.miit.gov.cn/a')).toEqual(['gov', 'www', 'xin', 'zh']);
    expect(at('https://mygov.cn/a')).toEqual(['xin', 'zh']);
    expect(at('https://v.cn/a', '人工智慧峰會今天開幕，各國領袖出席。', 'reuters')).toEqual(['vcn', 'zh']);
    expect(fired(rules, { text: 'AI 峰会 summit in Paris, with leaders from many countries attending.', sourceId: 'x' })).toEqual({});
  });

  it('measures NEAR in words, and ONEAR in order', () => {
    const rules = { near: 'sanctions NEAR/3 Iran', onear: 'sanctions ONEAR/3 Iran', tight: 'sanctions NEAR/1 Iran' };
    const text = 'Iran faces new sanctions from the EU; later, sanctions on oil from Iran were eased.';
    const m = fired(rules, { text });
    expect(Object.keys(m).sort()).toEqual(['near', 'onear']);
    // ONEAR pairs only "sanctions … Iran" in that order: the second sanctions with the second Iran.
    expect(m.onear!.hits.map((h) => h.start)).toEqual([text.indexOf('sanctions on'), text.lastIndexOf('Iran')]);
  });

  it('counts NEAR distance in the same words whether or not the field also holds Chinese', () => {
    const rules = { chip: 'China NEAR/0 chip*', nestle: 'Huawei NEAR/1 sanctions' };
    for (const text of ["China's chip exports fell. Huawei, Nestlé sanctions.", "China's chip exports fell. Huawei, Nestlé sanctions (华为)."]) {
      expect(Object.keys(fired(rules, { text })).sort()).toEqual(['chip', 'nestle']);
    }
  });

  it('counts NEAR distance from the words of a hit that starts or ends with a mark ("#AI", "$TSLA")', () => {
    const rules = { tag: 'ban NEAR/0 "#AI"', cash: '"$TSLA" NEAR/0 falls', spaced: 'ban NEAR/1 "#AI"' };
    expect(Object.keys(fired(rules, { text: 'A ban #AI posts; $TSLA falls.' })).sort()).toEqual(['cash', 'spaced', 'tag']);
    // One word between: not within NEAR/0, as with "ban y AI".
    expect(Object.keys(fired(rules, { text: 'A ban y #AI; $TSLA now falls.' }))).toEqual(['spaced']);
  });

  it('finds exactly the NEAR and ONEAR pairs a brute-force scan finds, however often the terms repeat', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const vocab = ['alpha', 'beta', 'gamma', 'delta', 'eps'];
    const classifier = classifierWith({ near: 'alpha NEAR/2 beta', onear: 'alpha ONEAR/1 beta' });
    for (let round = 0; round < 20; round++) {
      const words = Array.from({ length: 60 }, () => vocab[Math.floor(random() * vocab.length)]!);
      const text = words.join(' ');
      const starts: number[] = [];
      words.reduce((at, w) => (starts.push(at), at + w.length + 1), 0);
      const expected = (max: number, ordered: boolean) => {
        const hit = new Set<number>();
        words.forEach((a, i) =>
          words.forEach((b, j) => {
            if (a !== 'alpha' || b !== 'beta') return;
            if (ordered ? j > i && j - i - 1 <= max : Math.abs(i - j) - 1 <= max) hit.add(starts[i]!).add(starts[j]!);
          }),
        );
        return [...hit].sort((x, y) => x - y);
      };
      const got = Object.fromEntries(classifier.classify({ title: null, text }).rules.map((r) => [r.rule, r.hits.map((h) => h.start)]));
      // Hits are capped per rule in records; compare within the cap.
      expect(got.near ?? []).toEqual(expected(2, false).slice(0, 20));
      expect(got.onear ?? []).toEqual(expected(1, true).slice(0, 20));
    }
  });

  it("reports a rule's first hits, title first then by offset, however often its terms repeat; NEAR pairs them all", () => {
    const title = 'Satellite in orbit';
    const text = Array.from({ length: 30 }, (_, i) => (i % 3 ? `orbit ${i}` : `satellites ${i}`)).join(', ');
    const m = fired({ space: 'orbit OR satellite*' }, { title, text }).space!;
    const all = [...text.matchAll(/orbit|satellites/g)].map((x) => ({ field: 'text', start: x.index, term: x[0] }));
    expect(m.hits.map(({ field, start, term }) => ({ field, start, term }))).toEqual([
      { field: 'title', start: 0, term: 'Satellite' },
      { field: 'title', start: 13, term: 'orbit' },
      ...all.slice(0, 18),
    ]);
    // The only pair within one word is after the 40th "alpha": beyond the hits a record reports.
    const far = `${'alpha gamma delta '.repeat(40)}alpha beta`;
    expect(fired({ near: 'alpha NEAR/1 beta' }, { text: far }).near!.hits.map((h) => h.start)).toEqual([far.lastIndexOf('alpha'), far.indexOf('beta')]);
  });

  it('evaluates an article of a million characters whose rule terms each hit 150,000 times', () => {
    // More hits than a function call takes as arguments: spreading them into a call overflowed the stack.
    const text = 'AI summit. '.repeat(150_000);
    const rules = fired({ both: '(AI NEAR/2 summit) AND (AI OR summit)', zh: '人工智能 NEAR/3 峰会' }, { text });
    expect(rules.both!.hits).toHaveLength(20);
    expect(rules.both!.hits.slice(0, 4).map((h) => [h.term, h.start])).toEqual([['AI', 0], ['summit', 3], ['AI', 11], ['summit', 14]]);
    expect(rules.zh).toBeUndefined();
    const zh = '人工智能峰会。'.repeat(150_000);
    expect(fired({ zh: '人工智能 NEAR/3 峰会' }, { text: zh }).zh!.hits.slice(0, 2).map((h) => h.term)).toEqual(['人工智能', '峰会']);
  });

  it('counts Chinese NEAR distance in segmented words', () => {
    const m = fired({ near: '人工智能 NEAR/2 监管' }, { text: '欧盟加强对人工智能的监管。' });
    expect(m.near).toBeDefined();
    expect(fired({ near: '人工智能 NEAR/2 监管' }, { text: '人工智能发展很快，各国政府都在讨论如何开展有效监管。' }).near).toBeUndefined();
  });

  it('counts a Chinese rule term and a user dictionary word as one word each, for NEAR and for keywords', () => {
    // jieba alone: 行动|峰会|在|巴黎|… and 算力|设施; a rule term 行动峰会 makes 行动峰会|在|巴黎, one word apart.
    const text = '行动峰会在巴黎举行，算力设施建设成为行动峰会的焦点，算力设施投资也是。';
    expect(fired({ near: '行动 NEAR/1 巴黎' }, { text }).near).toBeUndefined();
    expect(fired({ summit: '行动峰会', near: '行动 NEAR/1 巴黎' }, { text }).near).toBeDefined();
    const dict = rulesFile('user-dict.txt', '算力设施 100 n\n');
    const withDict = loadClassifier(
      ClassifyConfigSchema.parse({ rulesFile: rulesFile('summit.yaml', 'rules:\n  - { id: s, version: 1, query: "行动峰会" }\n'), userDictFile: dict }),
      CONFIG_DIR,
    );
    const keywords = withDict.classify({ title: null, text }).keywords;
    expect(keywords).toEqual(expect.arrayContaining(['行动峰会', '算力设施']));
    for (const part of ['峰会', '算力', '设施']) expect(keywords).not.toContain(part);
  });
});

describe('config paths', () => {
  it('resolves files against the config folder, falling back to the shipped ones', () => {
    const own = mkdtempSync(path.join(tmpdir(), 'newsflow-conf-'));
    writeFileSync(path.join(own, 'rules.yaml'), 'rules:\n  - id: mine\n    query: 卫星\n');
    const classifier = loadClassifier(ClassifyConfigSchema.parse({}), own);
    const c = classifier.classify({ title: null, text: '卫星发射成功，欧盟表示祝贺。' });
    expect(c.rules.map((r) => r.rule)).toEqual(['mine']);
    expect(c.entities.map((e) => e.id)).toEqual(['EU']);
  });

  it('fails with the path when a configured file is missing everywhere', () => {
    expect(() => loadClassifier(ClassifyConfigSchema.parse({ rulesFile: 'nope.yaml' }), dir)).toThrow(/nope\.yaml/);
  });
});

describe('rules file errors', () => {
  it('names the file, line and column of a query syntax error', () => {
    const file = rulesFile('bad.yaml', 'rules:\n  - id: ok\n    query: AI\n  - id: broken\n    query: \'(AI OR 峰会\'\n');
    expect(() => loadRulesFile(file, new TermIndex())).toThrow(`${file}:5:13: rule "broken": missing ")" to close "("`);
  });

  it('points into the query for errors after its start', () => {
    const file = rulesFile('bad2.yaml', 'rules:\n  - id: x\n    query: "AI AND"\n');
    expect(() => loadRulesFile(file, new TermIndex())).toThrow(`${file}:3:19: rule "x": query ends where a term was expected`);
  });

  it.each([
    ['plain over two lines', 'query: alpha AND\n      (beta OR gamma\n', '4:7'],
    ['folded block', 'query: >\n      alpha AND\n      (beta OR gamma\n', '5:7'],
    ['literal block', 'query: |\n      alpha AND\n      (beta OR gamma\n', '5:7'],
    ["single-quoted with ''", "query: 'it''s AND (beta OR gamma'\n", '3:23'],
    ['double-quoted with \\"', 'query: "\\"a b\\" AND (beta OR gamma"\n', '3:25'],
  ])('points at the mistake in a %s query', (_form, query, at) => {
    const file = rulesFile(`forms-${at}-${query.length}.yaml`, `rules:\n  - id: a\n    ${query}`);
    expect(() => loadRulesFile(file, new TermIndex())).toThrow(`${file}:${at}: rule "a": missing ")" to close "("`);
  });

  it('names the rule that lacks a required key', () => {
    const file = rulesFile('bad6.yaml', 'rules:\n  - id: ok\n    query: x\n  - id: a\n    version: 2\n');
    expect(() => loadRulesFile(file, new TermIndex())).toThrow(`${file}:4:5: rules.1.query:`);
  });

  it('rejects unknown keys and duplicate ids', () => {
    const unknown = rulesFile('bad3.yaml', 'rules:\n  - id: x\n    query: AI\n    qurey: typo\n');
    expect(() => loadRulesFile(unknown, new TermIndex())).toThrow(/bad3\.yaml:2:5: rules\.0: Unrecognized key/);
    const dup = rulesFile('bad4.yaml', 'rules:\n  - id: x\n    query: AI\n  - id: x\n    query: EU\n');
    expect(() => loadRulesFile(dup, new TermIndex())).toThrow(/duplicate rule id "x"/);
  });

  it('reports invalid YAML with its position', () => {
    const file = rulesFile('bad5.yaml', 'rules:\n  - id: x\n    query: [unclosed\n');
    expect(() => loadRulesFile(file, new TermIndex())).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: not valid YAML`));
  });
});
