import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../../src/stages/classify/index.js';

const ids = (text: string, title: string | null = null) => classify({ title, text }).entities.map((e) => e.id).sort();

describe('gazetteer entities', () => {
  it('maps Chinese and English aliases to one id', () => {
    expect(ids('美国和欧盟代表出席。')).toEqual(['EU', 'US']);
    expect(ids('The U.S. and the European Union agreed; the USA and the EU will meet again in the United States.')).toEqual(['EU', 'US']);
    const c = classify({ title: null, text: 'The U.S. and the USA and 美国.' });
    expect(c.entities).toEqual([{ id: 'US', type: 'country', name: 'United States', mentions: 3 }]);
  });

  it('does not read the word "us" or "who" as the US or the WHO', () => {
    expect(ids('Let us know who called.')).toEqual([]);
    expect(ids('The WHO warned the US.')).toEqual(['US', 'WHO']);
  });

  it('expands Chinese compounds such as 中美 and 法印', () => {
    expect(ids('中美关系与法印合作')).toEqual(['CN', 'FR', 'IN', 'US']);
  });

  it('prefers the longest alias and full names over compounds', () => {
    expect(ids('印度尼西亚总统访问雅加达')).toEqual(['ID']);
    expect(ids('其中法国代表发言')).toEqual(['FR']);
    expect(ids('中美洲国家')).toEqual([]);
  });

  it('does not find a Chinese name across a word boundary, but does inside a word or at its start', () => {
    // 其中|国内, 其中|国家级, 其中|国有企业, 非法|国际, 完美|国度, 精英|国际: the name starts inside one word and ends inside the next.
    expect(ids('今年共售出汽车十万辆，其中国内销量占六成。')).toEqual([]);
    expect(ids('全球有190多个国家，其中国家级贫困县已全部摘帽。')).toEqual([]);
    expect(ids('警方破获一起非法国际贩运案件。')).toEqual([]);
    expect(ids('这是一个完美国度的故事。')).toEqual([]);
    expect(ids('精英国际学校今年招生人数增加。')).toEqual([]);
    expect(ids('其中国有企业占比超过一半，与美国的关系引人关注。')).toEqual(['US']);
    // 美国|人 starts with a word; 中美关系 is one word.
    expect(ids('美国人喜欢喝咖啡。')).toEqual(['US']);
    expect(ids('中美关系出现缓和迹象。')).toEqual(['CN', 'US']);
    expect(ids('中国人民银行宣布降准。')).toEqual(['CN']);
  });

  it('ignores a compound right after a date numeral', () => {
    expect(ids('2月11日美元走强')).toEqual([]);
    expect(ids('11日美国宣布')).toEqual(['US']);
  });

  it('reads 中方 / 美方 as China / the United States, but not 方 starting another word', () => {
    expect(ids('中方愿与美方加强沟通')).toEqual(['CN', 'US']);
    expect(ids('在道德方面和方法方面，审美方式各不相同')).toEqual([]);
    expect(ids('10日方才公布')).toEqual([]);
  });

  it('takes English adjectives and capitals for their countries', () => {
    expect(ids('French and Indian officials met Chinese diplomats; the Kremlin declined to comment.')).toEqual(['CN', 'FR', 'IN', 'RU']);
    // The seat of a government names its country: "Washington tightens chip export controls".
    expect(ids('Seoul and Washington disagree; the White House and the Pentagon said nothing.', 'Washington tightens export controls')).toEqual(['KR', 'US']);
  });

  it('folds Traditional script to the same entities', () => {
    expect(ids('臺灣與美國的關係')).toEqual(['TW', 'US']);
  });

  it('takes entities from a user gazetteer file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-gaz-'));
    const file = path.join(dir, 'mine.yaml');
    writeFileSync(file, 'entities:\n  - { id: OPENAI, type: organization, name: OpenAI, aliases: [OpenAI, 开放人工智能] }\n');
    const c = classify(
      { title: null, text: 'OpenAI 与法国合作' },
      { config: { gazetteerFiles: [path.resolve(__dirname, '../../../../config/gazetteer.yaml'), file] } },
    );
    expect(c.entities.map((e) => e.id).sort()).toEqual(['FR', 'OPENAI']);
  });
});
