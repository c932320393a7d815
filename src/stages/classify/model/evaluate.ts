// Model quality: accuracy, macro-F1, per-label precision/recall and the confusion matrix, on held-out examples
// or by k-fold cross-validation (stratified by label, shuffled with a fixed seed so runs compare).
import type { SparseVector } from './features.js';
import { rng, shuffleInPlace } from '../../../domain/random.js';
import { DEFAULT_MODEL_OPTIONS, TextModel, exampleVectorizer, type Example, type ModelTrainOptions } from './text-model.js';
import { InputError } from '../../../domain/errors.js';

export interface LabelScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  examples: number;
  accuracy: number;
  macroF1: number;
  perLabel: LabelScores[];
  /** confusion[i][j]: examples of labels[i] predicted as labels[j]. */
  confusion: { labels: string[]; matrix: number[][] };
  /** Accuracy of each fold, for cross-validation. */
  folds?: number[];
}

export function scorePredictions(labels: string[], gold: number[], predicted: number[]): EvalReport {
  const K = labels.length;
  const matrix = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  gold.forEach((g, i) => matrix[g]![predicted[i]!]!++);
  const perLabel = labels.map((label, k) => {
    const tp = matrix[k]![k]!;
    const support = matrix[k]!.reduce((a, b) => a + b, 0);
    const predictedK = matrix.reduce((a, row) => a + row[k]!, 0);
    const precision = predictedK ? tp / predictedK : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const correct = labels.reduce((a, _, k) => a + matrix[k]![k]!, 0);
  const present = perLabel.filter((l) => l.support > 0);
  return {
    examples: gold.length,
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: present.length ? present.reduce((a, l) => a + l.f1, 0) / present.length : 0,
    perLabel,
    confusion: { labels, matrix },
  };
}

const argmax = (p: ArrayLike<number>) => {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return best;
};

/** Scores a trained model on labelled examples; labels the model does not know count as errors. */
export function evaluateModel(model: TextModel, examples: Example[]): EvalReport {
  const labels = [...model.labels];
  for (const e of examples) if (!labels.includes(e.label)) labels.push(e.label);
  const index = new Map(labels.map((l, i) => [l, i]));
  const gold = examples.map((e) => index.get(e.label)!);
  const predicted = examples.map((e) => argmax(model.probabilities(model.vectorize(e.title ?? '', e.text))));
  return scorePredictions(labels, gold, predicted);
}

/** Stratified k-fold cross-validation; features are extracted once and shared by every fold. */
export function crossValidate(examples: Example[], folds: number, options: ModelTrainOptions = DEFAULT_MODEL_OPTIONS): EvalReport {
  if (!Number.isInteger(folds) || folds < 2) throw new InputError(`folds must be an integer of at least 2, got ${folds}`);
  if (examples.length < folds) throw new InputError(`${examples.length} examples cannot make ${folds} folds`);
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const ys = examples.map((e) => index.get(e.label)!);
  const xs: SparseVector[] = examples.map(exampleVectorizer(options));
  const fold = assignFolds(ys, folds, options.train.seed);
  const predicted = new Array<number>(examples.length).fill(0);
  const foldAccuracy: number[] = [];
  for (let f = 0; f < folds; f++) {
    const train = xs.flatMap((_, i) => (fold[i] === f ? [] : [i]));
    const test = xs.flatMap((_, i) => (fold[i] === f ? [i] : []));
    // A fold may lack a label entirely; train on the labels it has and map predictions back.
    const present = [...new Set(train.map((i) => ys[i]!))].sort((a, b) => a - b);
    const local = new Map(present.map((y, i) => [y, i]));
    const model = TextModel.trainVectors(
      train.map((i) => xs[i]!),
      train.map((i) => local.get(ys[i]!)!),
      present.map((y) => labels[y]!),
      options,
    );
    let correct = 0;
    for (const i of test) {
      predicted[i] = present[argmax(model.probabilities(xs[i]!))]!;
      if (predicted[i] === ys[i]) correct++;
    }
    foldAccuracy.push(test.length ? correct / test.length : 0);
  }
  return { ...scorePredictions(labels, ys, predicted), folds: foldAccuracy };
}

/** Shuffles each label's examples and deals them round-robin, so every fold has the label mix of the whole. */
function assignFolds(ys: number[], folds: number, seed: number): Int32Array {
  const random = rng(seed);
  const byLabel = new Map<number, number[]>();
  ys.forEach((y, i) => (byLabel.get(y) ?? byLabel.set(y, []).get(y)!).push(i));
  const fold = new Int32Array(ys.length);
  let next = 0;
  for (const members of byLabel.values()) {
    for (const i of shuffleInPlace(members, random)) fold[i] = next++ % folds;
  }
  return fold;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function formatReport(r: EvalReport): string {
  const width = Math.max(5, ...r.confusion.labels.map((l) => l.length));
  const lines = [
    `examples: ${r.examples}`,
    `accuracy: ${pct(r.accuracy)}`,
    `macro-F1: ${pct(r.macroF1)}`,
    ...(r.folds ? [`folds: ${r.folds.map(pct).join(' ')}`] : []),
    '',
    `${'label'.padEnd(width)}  precision  recall     f1  support`,
    ...r.perLabel.map(
      (l) => `${l.label.padEnd(width)}  ${pct(l.precision).padStart(9)}  ${pct(l.recall).padStart(6)}  ${pct(l.f1).padStart(5)}  ${String(l.support).padStart(7)}`,
    ),
    '',
    'confusion matrix (rows: true label, columns: predicted):',
    `${''.padEnd(width)}  ${r.confusion.labels.map((_, j) => String(j).padStart(5)).join('')}`,
    ...r.confusion.matrix.map((row, i) => `${`${i} ${r.confusion.labels[i]}`.padEnd(width + 2).slice(0, width + 2)}${row.map((n) => String(n).padStart(5)).join('')}`),
  ];
  return lines.join('\n');
}
