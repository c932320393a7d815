import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClassify } from '../../../../src/commands/classify.js';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/classify');

describe('runClassify', () => {
  it('prints the labels of an HTML page with their evidence', async () => {
    const out = await runClassify(path.join(FIXTURES, 'chip-controls.en.html'));
    expect(out).toContain('title: Washington tightens chip export controls');
    expect(out).toMatch(/lang: en \(script Latn, confidence \d\.\d\d\)/);
    expect(out).toMatch(/science and technology \[medtop:13000000\]\s+score \d\.\d\d\s+from rule:science-technology/);
    expect(out).toMatch(/chip-export-controls \(version 1\)/);
    // A hit shown in context, brackets around the matched characters.
    expect(out).toMatch(/text\[\d+-\d+\] …[^\n]*\[export controls\]/);
    expect(out).toMatch(/US\s+United States \(country\) ×\d+\s+as United States/);
    expect(out).toMatch(/EU\s+European Union/);
    // Script contents are not article text.
    expect(out).not.toMatch(/ai-summit/);
  });

  it('reads a plain-text article with its first line as the title, and prints JSON on request', async () => {
    const json = JSON.parse(await runClassify(path.join(FIXTURES, 'paris-ai-summit.zh.txt'), { json: true }));
    const rule = json.rules.find((r: { rule: string }) => r.rule === 'ai-summit');
    expect(json.lang).toBe('zh');
    // The text form says how many hits the record holds and how many it shows, each on a line of its own.
    const text = await runClassify(path.join(FIXTURES, 'paris-ai-summit.zh.txt'));
    const block = text.slice(text.indexOf('    ai-summit ('));
    const [head, ...rest] = block.split('\n');
    const held = Number(/: (\d+) hits? in the record/.exec(head!)![1]);
    const end = rest.findIndex((l) => !/^ {6}/.test(l));
    const lines = rest.slice(0, end === -1 ? rest.length : end).filter((l) => /^ {6}(title|text)\[/.test(l)).length;
    expect(held).toBe(rule.hits.length);
    expect(lines).toBe(Math.min(held, 8));
    if (held > 8) expect(head).toContain(`, the first ${lines} shown`);
    expect(rule.hits[0]).toEqual({ term: '人工智能', field: 'title', start: 2, end: 6 });
  });
});
