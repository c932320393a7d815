// A trained text model as users ship it: feature settings, labels and the weights of its linear parts, in one
// JSON file. The default is logistic regression, which measured best on the development set once trained by
// AdaGrad; Naive Bayes and a log-linear blend of the two are available too.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { Tokenizer } from '../text/tokenize.js';
import { DEFAULT_FEATURES, modelInput, modelInputRaw, modelInputWords, textFeatures, type FeatureOptions, type FoldedInput, type SparseVector } from './features.js';
import { DEFAULT_TRAIN, addDense, softmaxInPlace, train, type LinearWeights, type ModelKind, type TrainOptions } from './linear-model.js';
import { WordVectors } from './word-vectors.js';
import { fromBase64, toBase64 } from './base64-arrays.js';
import { InputError } from '../../../domain/errors.js';

export const MODEL_FORMAT = 'newsflow-text-model';

export type ModelType = ModelKind | 'nb+logreg';

/** Every model type, the default first. */
export const MODEL_TYPES = ['logreg', 'nb', 'nb+logreg'] as const satisfies readonly ModelType[];

/** Weights of each part in the log-linear blend; Naive Bayes is over-confident, so it counts half. */
const BLEND: Record<ModelType, Array<[ModelKind, number]>> = {
  nb: [['nb', 1]],
  logreg: [['logreg', 1]],
  'nb+logreg': [
    ['nb', 0.5],
    ['logreg', 1],
  ],
};

const PartSchema = z.object({
  kind: z.enum(['nb', 'logreg']),
  blend: z.number(),
  /** Hashed feature id of each weight row, base64 Int32Array. */
  rows: z.string(),
  /** rows × classes weights, base64 Float32Array. */
  weights: z.string(),
  bias: z.array(z.number()),
  /** Weights of the mean word vector, dims × classes, base64 Float32Array (logreg parts of models with vectors). */
  dense: z.string().optional(),
});

export const ModelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(1),
  version: z.string(),
  type: z.enum(MODEL_TYPES),
  labels: z.array(z.string()).min(2),
  features: z.object({
    bits: z.number().int().min(8).max(24),
    charNgrams: z.array(z.number().int().positive()),
    // Both absent in models trained before they existed, which took n-grams over CJK runs, without skip-bigrams.
    charScope: z.enum(['text', 'cjk-runs']).default('cjk-runs'),
    charSkipBigrams: z.boolean().default(false),
    // Absent in models trained before it existed, which had no boundary features.
    boundaries: z.boolean().default(false),
    wordNgrams: z.array(z.number().int().positive()),
    maxChars: z.number().int().positive(),
  }),
  trainedAt: z.string(),
  examples: z.number().int().nonnegative(),
  parts: z.array(PartSchema).min(1),
  /** Pretrained word vectors the model reads its input's mean word vector from (see word-vectors.ts). */
  vectors: z
    .object({
      /** The mean vector's weight beside the hashed features (whose vector has unit length). */
      weight: z.number().positive(),
      dims: z.number().int().positive(),
      words: z.string(),
      data: z.string(),
      scales: z.string(),
    })
    .optional(),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

export interface Example {
  text: string;
  label: string;
  title?: string | undefined;
}

export interface ModelTrainOptions {
  type: ModelType;
  features: FeatureOptions;
  train: TrainOptions;
  /** Pretrained word vectors: the input's mean word vector becomes a model input of weight `vectorWeight`. */
  vectors?: WordVectors | null;
  vectorWeight?: number;
  now?: () => Date;
}

// On the development set with Chinese Wikipedia word2vec vectors (5-fold CV, one seed): 0.35 beat 0.5 and 0.7
// when training on 2,000 headlines (82.84 / 82.60 / 82.36%) and 0.5 on 8,000 (86.73 / 86.65%).
export const DEFAULT_VECTOR_WEIGHT = 0.35;

export const DEFAULT_MODEL_OPTIONS: ModelTrainOptions = { type: 'logreg', features: DEFAULT_FEATURES, train: DEFAULT_TRAIN };

let sharedTokenizer: Tokenizer | undefined;
/** Models segment with the plain dictionary, so training and prediction see the same words whatever the rules. */
const modelTokenizer = () => (sharedTokenizer ??= new Tokenizer());

/**
 * The parts' weights fused row by row (feature → [part 0 classes…, part 1 classes…]), so a prediction touches one
 * row per feature instead of one per part: lookups into megabytes of weights are what prediction costs.
 */
interface FusedWeights {
  rowOf: Int32Array;
  weights: Float32Array;
  kinds: ModelKind[];
  blends: number[];
  biases: Float32Array[];
  /** Each part's weights of the dense inputs, or null. */
  dense: Array<Float32Array | null>;
}

function fuse(parts: Array<{ weights: LinearWeights; blend: number }>, classes: number, bits: number): FusedWeights {
  const rowOf = new Int32Array(1 << bits).fill(-1);
  let rows = 0;
  for (const { weights } of parts) weights.rowOf.forEach((r, id) => r >= 0 && rowOf[id]! < 0 && (rowOf[id] = rows++));
  const width = parts.length * classes;
  const fused = new Float32Array(rows * width);
  parts.forEach(({ weights }, p) => {
    weights.rowOf.forEach((r, id) => {
      if (r >= 0) fused.set(weights.weights.subarray(r * classes, (r + 1) * classes), rowOf[id]! * width + p * classes);
    });
  });
  return {
    rowOf,
    weights: fused,
    kinds: parts.map((p) => p.weights.kind),
    blends: parts.map((p) => p.blend),
    biases: parts.map((p) => p.weights.bias),
    dense: parts.map((p) => p.weights.dense),
  };
}

/** Word vectors as a model reads them: the vectors and the weight of their mean beside the hashed features. */
interface ModelVectors {
  words: WordVectors;
  weight: number;
}

/**
 * A model input's vector: its hashed features and, with word vectors, its words' mean vector times their weight.
 * `words`: the input's words when the caller has them, else the model's segmentation gives them.
 */
function inputVector(input: string, words: string[] | null, features: FeatureOptions, vectors: ModelVectors | null, names?: Map<number, string>): SparseVector {
  const segmented = words ?? (vectors ? modelTokenizer().tokenize(input).map((t) => t.text) : null);
  const v = textFeatures(input, segmented ?? modelTokenizer(), features, names);
  if (!vectors) return v;
  const dense = new Float32Array(vectors.words.dims);
  vectors.words.average(segmented!, dense);
  for (let d = 0; d < dense.length; d++) dense[d]! *= vectors.weight;
  return { ...v, dense };
}

/** The word vectors a model trained with `options` reads, with their weight. */
function modelVectors(options: ModelTrainOptions): ModelVectors | null {
  return options.vectors ? { words: options.vectors, weight: options.vectorWeight ?? DEFAULT_VECTOR_WEIGHT } : null;
}

/** Vectorises examples as a model trained with `options` reads them. */
export function exampleVectorizer(options: ModelTrainOptions): (e: Example) => SparseVector {
  const vectors = modelVectors(options);
  return (e) => inputVector(modelInputRaw(e.title ?? '', e.text, options.features), null, options.features, vectors);
}

/** Weight row offsets of the vector being scored; reused (scoring never re-enters itself). */
let rowStarts = new Int32Array(4096);

export class TextModel {
  private readonly fused: FusedWeights;
  /** The model file without its word vectors, which `file` encodes again from `vectors` when asked. */
  private readonly stored: Omit<ModelFile, 'vectors'>;

  private constructor(
    readonly version: string,
    readonly labels: string[],
    readonly type: ModelType,
    private readonly features: FeatureOptions,
    parts: Array<{ weights: LinearWeights; blend: number }>,
    private readonly vectors: ModelVectors | null,
    file: ModelFile,
  ) {
    this.fused = fuse(parts, labels.length, features.bits);
    // A loaded file's vectors are most of its text (18 of 27 MB with 124k words): kept decoded only.
    const { vectors: _encoded, ...rest } = file;
    this.stored = rest;
  }

  /** The model as its file holds it. */
  get file(): ModelFile {
    return this.vectors ? { ...this.stored, vectors: { weight: this.vectors.weight, ...this.vectors.words.encode() } } : this.stored;
  }

  /**
   * Features of a title and text. `folded`, when the caller has already folded both, saves folding again, and
   * with the fields' jieba words, segmenting again.
   */
  vectorize(title: string, text: string, folded?: FoldedInput): SparseVector {
    if (!folded) return inputVector(modelInputRaw(title, text, this.features), null, this.features, this.vectors);
    const input = modelInput(folded.title.trim(), folded.text.trim(), this.features);
    const words = folded.titleWords || folded.textWords ? modelInputWords(folded, input) : null;
    return inputVector(input, words, this.features, this.vectors);
  }

  /** How many words the model has vectors for (0 without word vectors). */
  get vectorWords(): number {
    return this.vectors?.words.size ?? 0;
  }

  /**
   * Probability of each label, in label order: softmax of the parts' blended scores. Blending raw scores equals
   * blending the parts' log-probabilities, as their normalisers are constant across labels.
   */
  probabilities(v: SparseVector): Float64Array {
    return this.score(v).p;
  }

  /** The probabilities, and how many of the input's features the model has weights for (its word vector counts as one). */
  private score(v: SparseVector): { p: Float64Array; known: number } {
    const K = this.labels.length;
    const { rowOf, weights, kinds, blends, biases, dense } = this.fused;
    const P = kinds.length;
    const width = P * K;
    // Per-part input value of a present feature: Naive Bayes reads the raw value, logistic regression the
    // sublinear, L2-normalised one (see logregInput).
    // Features are presence (1) as textFeatures makes them; other values take the general path.
    let presence = true;
    for (let f = 0; f < v.values.length && presence; f++) presence = v.values[f] === 1;
    const out = new Float64Array(K);
    for (let p = 0; p < P; p++) for (let k = 0; k < K; k++) out[k]! += blends[p]! * biases[p]![k]!;
    let known = 0;
    if (v.dense) {
      for (let p = 0; p < P; p++) if (dense[p]) addDense(v.dense, dense[p]!, K, blends[p]!, out);
      // A word the vectors know speaks through its vector even where none of the n-grams was seen in training.
      if (dense.some((d) => d !== null) && v.dense.some((x) => x !== 0)) known++;
    }
    if (presence) {
      // Every feature has the same input value in a part (sublinear 1, norm √n): one tight loop per part.
      const norm = Math.sqrt(v.values.length) || 1;
      // Rows are looked up first, in a loop of independent reads, so the weight rows' cache misses can overlap
      // instead of each waiting on its row lookup: a third faster on real vectors.
      if (rowStarts.length < v.ids.length) rowStarts = new Int32Array(2 * v.ids.length);
      const starts = rowStarts;
      let n = 0;
      for (let f = 0; f < v.ids.length; f++) {
        const row = rowOf[v.ids[f]!]!;
        if (row >= 0) starts[n++] = row * width;
      }
      for (let p = 0; p < P; p++) {
        const x = blends[p]! * (kinds[p] === 'nb' ? 1 : 1 / norm);
        const offset = p * K;
        for (let i = 0; i < n; i++) {
          const at = starts[i]! + offset;
          for (let k = 0; k < K; k++) out[k]! += weights[at + k]! * x;
        }
      }
      return { p: softmaxInPlace(out), known: known + n };
    }
    const sublinear = Float64Array.from(v.values, (raw) => 1 + Math.log(raw));
    const norm = Math.sqrt(sublinear.reduce((a, x) => a + x * x, 0)) || 1;
    for (let f = 0; f < v.ids.length; f++) {
      const row = rowOf[v.ids[f]!]!;
      if (row < 0) continue;
      known++;
      const base = row * width;
      const raw = v.values[f]!;
      const scaled = sublinear[f]! / norm;
      for (let p = 0; p < P; p++) {
        const x = blends[p]! * (kinds[p] === 'nb' ? raw : scaled);
        const at = base + p * K;
        for (let k = 0; k < K; k++) out[k]! += weights[at + k]! * x;
      }
    }
    return { p: softmaxInPlace(out), known };
  }

  /**
   * The features that most favour `label` over the runner-up label (or the second best when `label` is the best),
   * with their weight in the blended score: what a reader sees as the model's evidence.
   */
  explain(title: string, text: string, label: string, top = 6, folded?: FoldedInput): Array<{ term: string; weight: number }> {
    const k = this.labels.indexOf(label);
    if (k < 0) return [];
    const input = folded ? modelInput(folded.title.trim(), folded.text.trim(), this.features) : modelInputRaw(title, text, this.features);
    const names = new Map<number, string>();
    const words = this.vectors ? modelTokenizer().tokenize(input).map((t) => t.text) : null;
    const v = inputVector(input, words, this.features, this.vectors, names);
    const p = this.probabilities(v);
    let rival = -1;
    for (let j = 0; j < p.length; j++) if (j !== k && (rival < 0 || p[j]! > p[rival]!)) rival = j;
    const { rowOf, weights, kinds, blends } = this.fused;
    const K = this.labels.length;
    const width = kinds.length * K;
    const scale = 1 / Math.sqrt(v.ids.length || 1);
    const out: Array<{ term: string; weight: number }> = [];
    const byTerm = new Map<string, number>();
    for (const id of v.ids) {
      const row = rowOf[id]!;
      if (row < 0) continue;
      let w = 0;
      kinds.forEach((kind, part) => {
        const at = row * width + part * K;
        w += blends[part]! * (kind === 'nb' ? 1 : scale) * (weights[at + k]! - weights[at + rival]!);
      });
      // A word and the character n-gram with the same text count as one piece of evidence.
      const term = names.get(id) ?? `#${id}`;
      byTerm.set(term, (byTerm.get(term) ?? 0) + w);
    }
    if (this.vectors && words) {
      // The mean vector is the sum of the words' vectors over its length: each word's share is exact, shown as
      // "≈word" (the word through its vector, so also through the words of similar use seen in training).
      const found = words.map((w) => [w, this.vectors!.words.vector(w)] as const).filter((x): x is readonly [string, Float32Array] => x[1] !== null);
      const sum = new Float64Array(this.vectors.words.dims);
      for (const [, vec] of found) for (let d = 0; d < sum.length; d++) sum[d]! += vec[d]!;
      const length = Math.hypot(...sum) || 1;
      for (const [word, vec] of found) {
        let w = 0;
        this.fused.dense.forEach((D, part) => {
          if (!D) return;
          for (let d = 0; d < vec.length; d++) w += blends[part]! * (this.vectors!.weight / length) * vec[d]! * (D[d * K + k]! - D[d * K + rival]!);
        });
        byTerm.set(`≈${word}`, (byTerm.get(`≈${word}`) ?? 0) + w);
      }
    }
    for (const [term, w] of byTerm) if (w > 0) out.push({ term, weight: Math.round(w * 100) / 100 });
    return out.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1)).slice(0, top);
  }

  /**
   * Labels with probabilities, best first; none when the input has no feature the model knows (empty, an emoji, a
   * string never seen in training): the softmax of the biases alone is the labels' prior, about 1/K each, which
   * says nothing about the input yet would pass a topic threshold when labels are few.
   */
  predict(title: string, text: string, folded?: FoldedInput): Array<{ label: string; score: number }> {
    const { p, known } = this.score(this.vectorize(title, text, folded));
    if (known === 0) return [];
    return this.labels.map((label, k) => ({ label, score: p[k]! })).sort((a, b) => b.score - a.score);
  }

  static defaults(): ModelTrainOptions {
    return { ...DEFAULT_MODEL_OPTIONS };
  }

  static train(examples: Example[], options: ModelTrainOptions = DEFAULT_MODEL_OPTIONS): TextModel {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    if (labels.length < 2) throw new InputError(`training needs at least two labels, got ${labels.length}`);
    const index = new Map(labels.map((l, i) => [l, i]));
    const xs = examples.map(exampleVectorizer(options));
    return TextModel.trainVectors(xs, examples.map((e) => index.get(e.label)!), labels, options);
  }

  /** Trains on vectors already extracted with `options.features` (cross-validation reuses them across folds). */
  static trainVectors(xs: SparseVector[], ys: number[], labels: string[], options: ModelTrainOptions): TextModel {
    const parts = BLEND[options.type].map(([kind, blend]) => ({
      weights: train(xs, ys, labels.length, options.features.bits, { ...options.train, kind }),
      blend,
    }));
    const encoded = parts.map(({ weights, blend }) => encodePart(weights, blend));
    const vectors = modelVectors(options);
    const version = createHash('sha256')
      .update(JSON.stringify([labels, options.features, encoded, ...(vectors ? [vectors.words.digest, vectors.weight] : [])]))
      .digest('hex')
      .slice(0, 12);
    const file: ModelFile = {
      format: MODEL_FORMAT,
      formatVersion: 1,
      version,
      type: options.type,
      labels,
      features: options.features,
      trainedAt: (options.now ?? (() => new Date()))().toISOString(),
      examples: xs.length,
      parts: encoded,
      ...(vectors ? { vectors: { weight: vectors.weight, ...vectors.words.encode() } } : {}),
    };
    return new TextModel(version, labels, options.type, options.features, parts, vectors, file);
  }

  static fromFile(data: unknown, name = 'model'): TextModel {
    const parsed = ModelFileSchema.safeParse(data);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new InputError(`${name}: not a ${MODEL_FORMAT} file: ${i.path.join('.')}: ${i.message}`);
    }
    const f = parsed.data;
    const vectors = f.vectors ? { words: WordVectors.decode(f.vectors), weight: f.vectors.weight } : null;
    const parts = f.parts.map((p) => ({ weights: decodePart(p, f.labels.length, f.features.bits, f.vectors?.dims ?? 0), blend: p.blend }));
    return new TextModel(f.version, f.labels, f.type, f.features, parts, vectors, f);
  }

  save(file: string): void {
    writeFileSync(file, JSON.stringify(this.file) + '\n');
  }
}

export function loadModel(file: string): TextModel {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: cannot read model: ${(err as Error).message}`);
  }
  return TextModel.fromFile(data, file);
}

function encodePart(w: LinearWeights, blend: number): ModelFile['parts'][number] {
  const rows = new Int32Array(w.weights.length / w.classes);
  w.rowOf.forEach((row, id) => {
    if (row >= 0) rows[row] = id;
  });
  return {
    kind: w.kind,
    blend,
    rows: toBase64(rows),
    weights: toBase64(w.weights),
    bias: Array.from(w.bias),
    ...(w.dense ? { dense: toBase64(w.dense) } : {}),
  };
}

function decodePart(p: ModelFile['parts'][number], classes: number, bits: number, dims: number): LinearWeights {
  const rows = fromBase64(p.rows, (b) => new Int32Array(b));
  const weights = fromBase64(p.weights, (b) => new Float32Array(b));
  if (weights.length !== rows.length * classes || p.bias.length !== classes) throw new InputError('model weights do not match its labels');
  const rowOf = new Int32Array(1 << bits).fill(-1);
  rows.forEach((id, row) => {
    if (id < 0 || id >= rowOf.length) throw new InputError('model row id out of range');
    rowOf[id] = row;
  });
  let dense: Float32Array | null = null;
  if (p.dense !== undefined) {
    dense = fromBase64(p.dense, (b) => new Float32Array(b));
    if (dense.length !== dims * classes) throw new InputError('model word-vector weights do not match its vectors and labels');
  }
  return { kind: p.kind, classes, bits, rowOf, weights, bias: Float32Array.from(p.bias), dense };
}
