// Linear text classifiers over hashed features, written here because they are the product's own value: users
// train them on their labels in seconds, and their weights stay small enough to ship in a JSON file.
//   logreg: multinomial logistic regression by AdaGrad on sublinear-tf, L2-normalised vectors (the default), with
//           dense inputs (a mean word vector) beside the hashed ones when the vectors carry them;
//   nb: multinomial Naive Bayes with Laplace smoothing over raw counts (the classic baseline).
import { rng, shuffleInPlace } from '../../../domain/random.js';
import type { SparseVector } from './features.js';

export type ModelKind = 'logreg' | 'nb';

export interface TrainOptions {
  kind: ModelKind;
  /** logreg: passes over the data (at most; see maxUpdates). */
  epochs: number;
  /** logreg: passes stop short of `epochs` once this many example updates are reached (but at least 2 passes). */
  maxUpdates: number;
  /** logreg: AdaGrad base step size. */
  learningRate: number;
  /** logreg: L2 penalty, added to the gradient of the touched weights. */
  l2: number;
  /** nb: additive smoothing. */
  alpha: number;
  /** Shuffling seed, so training is reproducible. */
  seed: number;
}

// Settings chosen by 5-fold cross-validation on the development set (see bench/classify.ts). 30 passes rather
// than 10 added 0.25 points there on 8,000 headlines; from about 14,000 examples up, maxUpdates stops them sooner.
export const DEFAULT_TRAIN: TrainOptions = { kind: 'logreg', epochs: 30, maxUpdates: 400_000, learningRate: 0.2, l2: 0, alpha: 0.1, seed: 1 };

/**
 * Weights of a trained model: `rowOf[feature]` is its row in `weights` (rows × classes), or -1; `dense`, the
 * weights of the dense inputs (dims × classes), when it was trained on vectors that had them (logreg only).
 */
export interface LinearWeights {
  kind: ModelKind;
  classes: number;
  bits: number;
  rowOf: Int32Array;
  weights: Float32Array;
  bias: Float32Array;
  dense: Float32Array | null;
}

/** Sublinear term frequency, L2-normalised: long texts do not outvote short ones. Dense inputs pass unchanged. */
function logregInput(v: SparseVector): SparseVector {
  const values = new Float32Array(v.values.length);
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = 1 + Math.log(v.values[i]!);
    norm += values[i]! * values[i]!;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < values.length; i++) values[i]! /= norm;
  return { ids: v.ids, values, dense: v.dense };
}

export function train(xs: SparseVector[], ys: number[], classes: number, bits: number, options: TrainOptions): LinearWeights {
  const full = options.kind === 'nb' ? { ...trainNaiveBayes(xs, ys, classes, bits, options), dense: null } : trainLogreg(xs, ys, classes, bits, options);
  return { ...compact(full.weights, full.bias, classes, bits, options.kind), dense: full.dense };
}

function trainLogreg(xs: SparseVector[], ys: number[], K: number, bits: number, o: TrainOptions) {
  const W = new Float32Array((1 << bits) * K);
  // AdaGrad: each weight's step shrinks with its own squared-gradient sum, so the rare n-grams that carry most
  // of a short text's signal learn as fast as common ones (plain SGD with one decaying rate: 1.3 points lower).
  const G = new Float32Array((1 << bits) * K);
  const bias = new Float32Array(K);
  const biasG = new Float64Array(K);
  // Dense inputs have weights of their own, trained alongside (Naive Bayes cannot read negative values).
  const dims = xs.find((x) => x.dense)?.dense!.length ?? 0;
  const D = dims ? new Float32Array(dims * K) : null;
  const DG = dims ? new Float32Array(dims * K) : null;
  const inputs = xs.map(logregInput);
  const order = Array.from(inputs.keys());
  const random = rng(o.seed);
  const scores = new Float64Array(K);
  const grad = new Float64Array(K);
  // Large sets converge in fewer passes: cap the updates, so 100k examples train in seconds.
  const epochs = Math.min(o.epochs, Math.max(2, Math.ceil(o.maxUpdates / Math.max(1, inputs.length))));
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const n of order) {
      const { ids, values, dense } = inputs[n]!;
      softmaxScores(ids, values, W, bias, K, scores, dense, D);
      const y = ys[n]!;
      for (let k = 0; k < K; k++) {
        grad[k] = scores[k]! - (k === y ? 1 : 0);
        biasG[k]! += grad[k]! * grad[k]!;
        bias[k]! -= (o.learningRate * grad[k]!) / (Math.sqrt(biasG[k]!) + 1e-8);
      }
      // Feature-major: each feature's K weights are adjacent, so the update walks memory in order.
      for (let f = 0; f < ids.length; f++) adagradRow(W, G, ids[f]! * K, values[f]!, grad, K, o);
      if (dense && D && DG) {
        for (let d = 0; d < dims; d++) if (dense[d] !== 0) adagradRow(D, DG, d * K, dense[d]!, grad, K, o);
      }
    }
  }
  return { weights: W, bias, dense: D };
}

/** One AdaGrad step on the K weights of an input of value `v` from `base`, given the score gradient per class. */
function adagradRow(W: Float32Array, G: Float32Array, base: number, v: number, grad: Float64Array, K: number, o: TrainOptions): void {
  for (let k = 0; k < K; k++) {
    const at = base + k;
    const g = grad[k]! * v + o.l2 * W[at]!;
    G[at]! += g * g;
    W[at]! -= (o.learningRate * g) / (Math.sqrt(G[at]!) + 1e-8);
  }
}

function trainNaiveBayes(xs: SparseVector[], ys: number[], K: number, bits: number, o: TrainOptions) {
  const size = 1 << bits;
  const counts = new Float32Array(size * K);
  const perClass = new Float64Array(K);
  const docs = new Float64Array(K);
  const used = new Uint8Array(size);
  xs.forEach(({ ids, values }, n) => {
    const y = ys[n]!;
    docs[y]!++;
    for (let f = 0; f < ids.length; f++) {
      counts[ids[f]! * K + y]! += values[f]!;
      perClass[y]! += values[f]!;
      used[ids[f]!] = 1;
    }
  });
  let vocabulary = 0;
  for (let i = 0; i < size; i++) vocabulary += used[i]!;
  const denom = Array.from(perClass, (c) => Math.log(c + o.alpha * vocabulary));
  const W = new Float32Array(size * K);
  for (let i = 0; i < size; i++) {
    if (!used[i]) continue;
    for (let k = 0; k < K; k++) W[i * K + k] = Math.log(counts[i * K + k]! + o.alpha) - denom[k]!;
  }
  const bias = Float32Array.from(docs, (d) => Math.log((d + 1) / (xs.length + K)));
  return { weights: W, bias };
}

/** Keeps only the rows of features seen in training. */
function compact(W: Float32Array, bias: Float32Array, K: number, bits: number, kind: ModelKind): Omit<LinearWeights, 'dense'> {
  const size = 1 << bits;
  const rowOf = new Int32Array(size).fill(-1);
  let rows = 0;
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < K; k++) {
      if (W[i * K + k] !== 0) {
        rowOf[i] = rows++;
        break;
      }
    }
  }
  const weights = new Float32Array(rows * K);
  for (let i = 0; i < size; i++) if (rowOf[i]! >= 0) weights.set(W.subarray(i * K, i * K + K), rowOf[i]! * K);
  return { kind, classes: K, bits, rowOf, weights, bias };
}

function softmaxScores(
  ids: Int32Array,
  values: Float32Array,
  W: Float32Array,
  bias: Float32Array,
  K: number,
  out: Float64Array,
  dense?: Float32Array | null,
  D?: Float32Array | null,
): void {
  for (let k = 0; k < K; k++) out[k] = bias[k]!;
  for (let f = 0; f < ids.length; f++) {
    const base = ids[f]! * K;
    const v = values[f]!;
    for (let k = 0; k < K; k++) out[k]! += W[base + k]! * v;
  }
  if (dense && D) addDense(dense, D, K, 1, out);
  softmaxInPlace(out);
}

/** Adds `scale` × the dense inputs' scores (weights `D`, dims × K) to `out`. */
export function addDense(dense: Float32Array, D: Float32Array, K: number, scale: number, out: Float64Array): void {
  for (let d = 0; d < dense.length; d++) {
    const v = dense[d]! * scale;
    if (v === 0) continue;
    for (let k = 0; k < K; k++) out[k]! += D[d * K + k]! * v;
  }
}

/** Turns scores into probabilities in place (shifted by the maximum, so large scores do not overflow). */
export function softmaxInPlace(out: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of out) max = Math.max(max, s);
  let sum = 0;
  for (let k = 0; k < out.length; k++) sum += out[k] = Math.exp(out[k]! - max);
  for (let k = 0; k < out.length; k++) out[k]! /= sum;
  return out;
}
