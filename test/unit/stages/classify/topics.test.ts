import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, loadClassifier } from '../../../../src/stages/classify/index.js';
import { ClassifyConfigSchema } from '../../../../src/stages/classify/config.js';

const CONFIG_DIR = path.resolve(__dirname, '../../../../config');

describe('topics from keyword rules', () => {
  it('ranks the topic an article is about first, with IPTC code, label and rule source', () => {
    const c = classify({
      title: '主队绝杀晋级决赛',
      text: '在昨晚的联赛比赛中，主队球员在补时阶段打进制胜一球。主教练赛后表示，球队将全力备战决赛，争取夺得冠军。',
    });
    expect(c.topics[0]).toEqual({ code: 'medtop:15000000', label: 'sport', score: expect.any(Number), source: 'rule:sport' });
    expect(c.topics[0]!.score).toBeGreaterThan(0.8);
  });

  it('scores a topic mentioned in passing below the main one', () => {
    const c = classify({
      title: 'Storm floods coastal towns',
      text: 'A storm brought heavy rain and flooding to coastal towns. Rescue teams evacuated residents as the flood water rose. The weather service expects more rain and storms. Shares of an insurer fell.',
    });
    const [first, ...rest] = c.topics;
    expect(['medtop:03000000', 'medtop:17000000']).toContain(first!.code);
    const economy = rest.find((t) => t.code === 'medtop:04000000');
    if (economy) expect(economy.score).toBeLessThan(first!.score);
  });

  it('labels topics in Chinese when configured, keeping the codes', () => {
    const classifier = loadClassifier(ClassifyConfigSchema.parse({ labelLanguage: 'zh' }), CONFIG_DIR);
    const c = classifier.classify({ title: '芯片', text: '人工智能芯片与半导体技术的发展' });
    expect(c.topics[0]).toMatchObject({ code: 'medtop:13000000', label: '科学与技术' });
  });

  it('flags needsReview when the two best topics score close, and not when one stands out', () => {
    const close = classify({ title: null, text: 'Inflation and interest rates worried the central bank. The football team won the league.' });
    expect(close.topics.length).toBeGreaterThanOrEqual(2);
    expect(Math.abs(close.topics[0]!.score - close.topics[1]!.score)).toBeLessThan(0.1);
    expect(close.needsReview).toBe(true);
    const clear = classify({
      title: 'Champions win the cup final',
      text: 'The team won the cup final. The coach praised every player after the match; the champions lifted the trophy.',
    });
    expect(clear.needsReview).toBe(false);
  });

  it('returns an empty, valid classification for an empty article', () => {
    expect(classify({ title: null, text: '' })).toEqual({
      lang: 'und',
      langConfidence: 0,
      topics: [],
      rules: [],
      entities: [],
      keywords: [],
      needsReview: false,
    });
  });
});
