// `newsflow model train` and `newsflow model eval`: train a topic model on the user's labelled JSONL, measure it.
import { readInputText } from './read-input.js';
import { z } from 'zod';
import { DEFAULT_MODEL_OPTIONS, TextModel, loadModel, type Example, type ModelTrainOptions, type ModelType } from '../stages/classify/model/text-model.js';
import { readWordVectors } from '../stages/classify/model/word-vectors.js';
import { crossValidate, evaluateModel, formatReport, type EvalReport } from '../stages/classify/model/evaluate.js';
import { InputError } from '../domain/errors.js';

const ExampleSchema = z.object({
  text: z.string(),
  label: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string().nullish(),
});

/** Reads `{"text": ..., "label": ..., "title"?: ...}` lines; a bad line is an error naming its number. */
export function readExamples(file: string): Example[] {
  const out: Example[] = [];
  readInputText(file)
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch (err) {
        throw new InputError(`${file}:${i + 1}: not JSON: ${(err as Error).message}`);
      }
      const parsed = ExampleSchema.safeParse(data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new InputError(`${file}:${i + 1}: ${issue.path.join('.') || 'line'}: ${issue.message} (expected {"text", "label", "title"?})`);
      }
      const { text, label, title } = parsed.data;
      if (!text.trim() && !title?.trim()) throw new InputError(`${file}:${i + 1}: empty text and title`);
      out.push({ text, label, title: title ?? undefined });
    });
  if (out.length === 0) throw new InputError(`${file}: no examples`);
  return out;
}

/** The word-vector arguments of `model train` and `model eval --folds`. */
export interface VectorArgs {
  /** A word2vec, fastText or GloVe file: the input's mean word vector becomes a model input (see word-vectors.ts). */
  vectors?: string;
  /** The mean word vector's weight beside the hashed features. */
  vectorWeight?: number;
  /** Words kept from the top of the vector file (these files list the most frequent first); 200,000 by default. */
  vectorLimit?: number;
}

export interface ModelTrainArgs extends VectorArgs {
  input: string;
  output: string;
  /** Cross-validate with this many folds before training on everything. */
  folds?: number;
  /** logreg (default), nb or nb+logreg. */
  type?: ModelType;
}

export interface ModelTrainResult {
  /** What to print. */
  text: string;
  version: string;
  crossValidation: EvalReport | null;
}

type ModelArgs = VectorArgs & { type?: ModelType | undefined };

/** Model settings from the command's arguments, with the vector file read (and what to say about it). */
function modelOptions(args: ModelArgs): { options: ModelTrainOptions; note: string | null } {
  const options: ModelTrainOptions = { ...DEFAULT_MODEL_OPTIONS, type: args.type ?? DEFAULT_MODEL_OPTIONS.type };
  if (!args.vectors) return { options, note: null };
  if (options.type === 'nb') throw new InputError('--vectors needs a logistic part: --type logreg or nb+logreg (Naive Bayes reads counts only)');
  if (args.vectorWeight !== undefined && !(args.vectorWeight > 0)) throw new InputError(`--vector-weight must be above 0, got ${args.vectorWeight}`);
  if (args.vectorLimit !== undefined && !(Number.isInteger(args.vectorLimit) && args.vectorLimit > 0)) {
    throw new InputError(`--vector-limit must be a positive integer, got ${args.vectorLimit}`);
  }
  const t0 = performance.now();
  const vectors = readWordVectors(args.vectors, args.vectorLimit);
  if (vectors.size === 0) throw new InputError(`${args.vectors}: no word vectors`);
  return {
    options: { ...options, vectors, ...(args.vectorWeight !== undefined ? { vectorWeight: args.vectorWeight } : {}) },
    note: `word vectors: ${vectors.size} words of ${vectors.dims} dimensions from ${args.vectors} (${seconds(t0)})`,
  };
}

/** k-fold cross-validation of a model of `options` on the examples of `input`, with its report as text. */
function crossValidation(examples: Example[], folds: number, options: ModelTrainOptions, input: string): { text: string; report: EvalReport } {
  const t0 = performance.now();
  const report = crossValidate(examples, folds, options);
  return { text: `${folds}-fold cross-validation of a ${options.type}${options.vectors ? ' + word vectors' : ''} model on ${input} (${seconds(t0)}):\n${formatReport(report)}`, report };
}

export async function modelTrain(args: ModelTrainArgs): Promise<ModelTrainResult> {
  const examples = readExamples(args.input);
  const { options, note } = modelOptions(args);
  const lines: string[] = note ? [note] : [];
  let cv: EvalReport | null = null;
  if (args.folds !== undefined) {
    const r = crossValidation(examples, args.folds, options, args.input);
    cv = r.report;
    lines.push(r.text, '');
  }
  const t0 = performance.now();
  const model = TextModel.train(examples, options);
  model.save(args.output);
  lines.push(
    `trained ${model.type}${model.vectorWords ? ' + word vectors' : ''} model ${model.version} on ${examples.length} examples, ${model.labels.length} labels (${model.labels.join(', ')}) in ${seconds(t0)}`,
    `wrote ${args.output}`,
  );
  return { text: lines.join('\n'), version: model.version, crossValidation: cv };
}

export interface ModelEvalArgs extends VectorArgs {
  input: string;
  /** A trained model to score on the input. */
  model?: string;
  /** Instead of a model file: k-fold cross-validation of a model of `type` (and vectors) trained on the input itself. */
  folds?: number;
  type?: ModelType;
}

export async function modelEval(args: ModelEvalArgs): Promise<{ text: string; report: EvalReport }> {
  const examples = readExamples(args.input);
  if (args.folds !== undefined) {
    const { options, note } = modelOptions(args);
    const r = crossValidation(examples, args.folds, options, args.input);
    return note ? { ...r, text: `${note}\n${r.text}` } : r;
  }
  if (args.vectors) throw new InputError('--vectors goes with --folds (a model file carries its own vectors)');
  if (!args.model) throw new InputError('model eval needs --model <file>, or --folds <k> to cross-validate on the input');
  const model = loadModel(args.model);
  const report = evaluateModel(model, examples);
  return { text: `model ${model.version} (${model.type}) on ${args.input}:\n${formatReport(report)}`, report };
}

const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(2)}s`;
