import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../../src/stages/classify/index.js';

const fixture = readFileSync(path.resolve(__dirname, '../../../fixtures/classify/paris-ai-summit.zh.txt'), 'utf8');
const [title = '', ...body] = fixture.split('\n');
const text = body.join('\n');

describe('classify: Chinese article on the Paris AI summit (golden)', () => {
  const c = classify({ title, text, sourceId: 'fixture', url: 'https://mp.weixin.qq.com/s/abc' });

  it('labels the language zh with high confidence', () => {
    expect(c.lang).toBe('zh');
    expect(c.langConfidence).toBeGreaterThan(0.9);
  });

  it('finds science/technology and politics among the topics, with IPTC codes and rule sources', () => {
    const codes = c.topics.map((t) => t.code);
    expect(codes).toContain('medtop:13000000');
    expect(codes).toContain('medtop:11000000');
    for (const t of c.topics) expect(t.source).toMatch(/^(rule|model):/);
  });

  it('names France, India, the United States, China and the EU', () => {
    const ids = c.entities.map((e) => e.id);
    for (const id of ['FR', 'IN', 'US', 'CN', 'EU']) expect(ids).toContain(id);
  });

  it('fires the AI-summit watch rule with offsets that point at the hit characters', () => {
    const match = c.rules.find((r) => r.rule === 'ai-summit');
    expect(match).toBeDefined();
    expect(match!.version).toBe('1');
    expect(match!.hits.length).toBeGreaterThan(0);
    for (const h of match!.hits) {
      const source = h.field === 'title' ? title : text;
      expect(source.slice(h.start, h.end)).toBe(h.term);
      expect(['人工智能', 'AI', '峰会', 'summit']).toContain(h.term);
    }
    expect(match!.hits.map((h) => h.term)).toEqual(expect.arrayContaining(['人工智能', '峰会', 'AI']));
  });

  it('gives keywords from the article', () => {
    expect(c.keywords).toEqual(expect.arrayContaining(['人工智能', '峰会']));
  });
});

const SEED = path.resolve(__dirname, '../../../../../shared/seeds/000_a5968943db43bf25.txt');
const seedPath = [SEED, '/work/shared/seeds/000_a5968943db43bf25.txt'].find((p) => existsSync(p));

describe.skipIf(!seedPath)('classify: the seed WeChat article', () => {
  it('is zh, on science/technology and politics, naming FR, IN, US, CN and EU, with the AI-summit rule', () => {
    const raw = readFileSync(seedPath!, 'utf8');
    const seedTitle = /^title:\s*(.+)$/m.exec(raw)?.[1] ?? '';
    // The body without front matter and image lines: what the clean stage hands over.
    const seedText = raw
      .replace(/^---[\s\S]*?---\n/, '')
      .split('\n')
      .filter((l) => !/^!\[/.test(l))
      .join('\n');
    const c = classify({ title: seedTitle, text: seedText });
    expect(c.lang).toBe('zh');
    const codes = c.topics.map((t) => t.code);
    expect(codes).toEqual(expect.arrayContaining(['medtop:13000000', 'medtop:11000000']));
    expect(c.entities.map((e) => e.id)).toEqual(expect.arrayContaining(['FR', 'IN', 'US', 'CN', 'EU']));
    const rule = c.rules.find((r) => r.rule === 'ai-summit');
    expect(rule).toBeDefined();
    for (const h of rule!.hits) expect((h.field === 'title' ? seedTitle : seedText).slice(h.start, h.end)).toBe(h.term);
  });
});
