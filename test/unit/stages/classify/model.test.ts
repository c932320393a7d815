import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelEval, modelTrain, readExamples } from '../../../../src/commands/model.js';
import { crossValidate, scorePredictions } from '../../../../src/stages/classify/model/evaluate.js';
import { TextModel, loadModel } from '../../../../src/stages/classify/model/text-model.js';
import { classify } from '../../../../src/stages/classify/index.js';
import { runClassify } from '../../../../src/commands/classify.js';

const LABELS = path.resolve(__dirname, '../../../fixtures/classify/labels.jsonl');
const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-model-'));
const examples = readExamples(LABELS);

describe('TextModel', () => {
  const model = TextModel.train(examples, { ...TextModel.defaults(), now: () => new Date('2025-01-01T00:00:00Z') });

  it('predicts the labels of unseen headlines in Chinese and English', () => {
    expect(model.predict('', '男篮联赛总决赛今晚开打')[0]!.label).toBe('sport');
    expect(model.predict('', '央行公布最新利率决议')[0]!.label).toBe('economy');
    expect(model.predict('', '开源大模型发布新版本')[0]!.label).toBe('technology');
    expect(model.predict('', 'The striker scored twice in the final')[0]!.label).toBe('sport');
    const p = model.predict('', '芯片');
    expect(p.reduce((a, x) => a + x.score, 0)).toBeCloseTo(1, 6);
  });

  it('predicts nothing for an input without a feature it knows', () => {
    for (const text of ['', '   ', '🔥', 'xxxxxxxxxx']) expect([text, model.predict('', text)]).toEqual([text, []]);
    expect(model.predict('足球', '')[0]!.label).toBe('sport');
  });

  it('gives the classify stage no topic for an empty or meaningless article, nor one hardly likelier than chance', () => {
    const file = path.join(dir, 'few-labels.json');
    model.save(file);
    const config = { config: { modelFile: file } };
    for (const text of ['', '   ', '🔥', 'xxxxxxxxxx']) {
      const c = classify({ title: null, text }, config);
      expect([text, c.topics, c.needsReview]).toEqual([text, [], false]);
    }
    // Known but uninformative words: about a third for each of the three labels.
    const weak = model.predict('', '我们的');
    expect(weak).toHaveLength(3);
    expect(weak[0]!.score).toBeLessThan(1 / 3 + 0.1);
    expect(classify({ title: null, text: '我们的' }, config).topics).toEqual([]);
    expect(classify({ title: '足球', text: '' }, config).topics.map((t) => t.label)).toEqual(['sport']);
  });

  it('explains a prediction by the n-grams and words of the text that favour the label', () => {
    const text = '男篮联赛总决赛今晚开打';
    const evidence = model.explain('', text, 'sport');
    expect(evidence.length).toBeGreaterThan(0);
    for (const e of evidence) {
      // An n-gram or word of the text, or a skip-bigram shown as its first and third character around "…".
      const [a, c] = e.term.split('…');
      if (c === undefined) expect(text).toContain(e.term);
      else expect([...text].some((ch, i) => ch === a && text[i + 2] === c)).toBe(true);
      expect(e.weight).toBeGreaterThan(0);
    }
    expect(evidence.map((e) => e.weight)).toEqual([...evidence.map((e) => e.weight)].sort((a, b) => b - a));
    expect(model.explain('', text, 'no-such-label')).toEqual([]);
  });

  it('round-trips through its JSON file with the same version and probabilities', () => {
    const file = path.join(dir, 'm.json');
    model.save(file);
    const loaded = loadModel(file);
    expect(loaded.version).toBe(model.version);
    expect(loaded.labels).toEqual(['economy', 'sport', 'technology']);
    const text = '国家队在世界杯比赛中获胜';
    expect(loaded.predict('', text)).toEqual(model.predict('', text));
  });

  it('is reproducible: the same data and settings give the same version', () => {
    const again = TextModel.train(examples, { ...TextModel.defaults(), now: () => new Date('2025-01-01T00:00:00Z') });
    expect(again.version).toBe(model.version);
  });

  it('loads a model saved before character scope, skip-bigrams and boundaries existed with the features it was trained on', () => {
    const old = TextModel.train(examples, {
      ...TextModel.defaults(),
      features: { ...TextModel.defaults().features, charScope: 'cjk-runs', charSkipBigrams: false, boundaries: false },
    });
    const file = path.join(dir, 'old.json');
    const { charScope, charSkipBigrams, boundaries, ...features } = old.file.features;
    expect([charScope, charSkipBigrams, boundaries]).toEqual(['cjk-runs', false, false]);
    writeFileSync(file, JSON.stringify({ ...old.file, features }));
    const loaded = loadModel(file);
    const text = '国家队在NBA总决赛中获胜 (组图)';
    expect(loaded.file.features).toMatchObject({ charScope: 'cjk-runs', charSkipBigrams: false, boundaries: false });
    expect(loaded.predict('', text)).toEqual(old.predict('', text));
  });

  it('rejects a file that is not a model', () => {
    const file = path.join(dir, 'not-a-model.json');
    writeFileSync(file, JSON.stringify({ format: 'something-else' }));
    expect(() => loadModel(file)).toThrow(/not a newsflow-text-model file/);
  });
});

describe('model evaluation', () => {
  it('computes accuracy, macro-F1, per-label precision/recall and the confusion matrix', () => {
    // gold a a a b b c; predicted a a b b c c
    const r = scorePredictions(['a', 'b', 'c'], [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]);
    expect(r.accuracy).toBeCloseTo(4 / 6);
    expect(r.confusion.matrix).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(r.perLabel[0]).toMatchObject({ label: 'a', precision: 1, recall: 2 / 3, support: 3 });
    expect(r.perLabel[1]).toMatchObject({ precision: 0.5, recall: 0.5 });
    expect(r.perLabel[2]).toMatchObject({ precision: 0.5, recall: 1 });
    const f1 = [0.8, 0.5, 2 / 3];
    expect(r.macroF1).toBeCloseTo(f1.reduce((a, b) => a + b) / 3);
  });

  it('cross-validates with stratified folds', () => {
    const r = crossValidate(examples, 3);
    expect(r.folds).toHaveLength(3);
    expect(r.examples).toBe(examples.length);
    expect(r.confusion.matrix.flat().reduce((a, b) => a + b)).toBe(examples.length);
    expect(r.accuracy).toBeGreaterThan(0.6);
  });
});

describe('model commands', () => {
  it('trains with cross-validation, writes the model, and evaluates it', async () => {
    const out = path.join(dir, 'cli-model.json');
    const trained = await modelTrain({ input: LABELS, output: out, folds: 3 });
    expect(trained.text).toMatch(/3-fold cross-validation/);
    expect(trained.text).toMatch(/accuracy: \d+\.\d\d%/);
    expect(trained.text).toContain(`wrote ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe(trained.version);
    const evaluated = await modelEval({ input: LABELS, model: out });
    expect(evaluated.report.accuracy).toBeGreaterThan(0.9);
    expect(evaluated.text).toMatch(/confusion matrix/);
    expect(evaluated.text).toMatch(/macro-F1/);
  });

  it('cross-validates in eval without a model file, with the same folds as train', async () => {
    const cv = await modelEval({ input: LABELS, folds: 3, type: 'nb' });
    expect(cv.report.folds).toHaveLength(3);
    expect(cv.text).toMatch(/^3-fold cross-validation of a nb model/);
    expect(cv.report.accuracy).toBe(crossValidate(examples, 3, { ...TextModel.defaults(), type: 'nb' }).accuracy);
    await expect(modelEval({ input: LABELS })).rejects.toThrow(/--model <file>, or --folds <k>/);
  });

  it('names the line of a bad example', () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text":"a","label":"x"}\n{"text":"b"}\n');
    expect(() => readExamples(bad)).toThrow(`${bad}:2: label`);
  });

  it('feeds the classify stage when config names the model', async () => {
    const out = path.join(dir, 'stage-model.json');
    const { version } = await modelTrain({ input: LABELS, output: out });
    const c = classify({ title: '足球联赛', text: '主队在联赛中击败客队' }, { config: { modelFile: out, topicsFile: path.resolve(__dirname, '../../../../config/topics.yaml') } });
    expect(c.topics).toContainEqual(expect.objectContaining({ code: 'medtop:15000000', label: 'sport', source: `model:${version}` }));
    const file = path.join(dir, 'match.txt');
    writeFileSync(file, '足球联赛\n主队在联赛中击败客队\n');
    const printed = await runClassify(file, { config: { modelFile: out } });
    expect(printed).toMatch(new RegExp(`sport \\[medtop:15000000\\]\\s+score \\d\\.\\d\\d\\s+from model:${version}`));
    expect(printed).toMatch(/model evidence: \S+ \+\d+\.\d\d/);
  });
});
