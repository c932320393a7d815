// The extraction-dev scoring method (trafilatura's tests/evaluate.py): substring matches of normalized segments,
// counts summed over documents, then precision, recall, accuracy and F-score.

/** Python's Unicode `\s`: JavaScript's `\s` without U+FEFF, plus U+001C–U+001F and U+0085. */
const PY_WHITESPACE = /(?:(?!\uFEFF)\s|[\u001C-\u001F\u0085])+/gu;

export function norm(s: string): string {
  return s.replace(PY_WHITESPACE, ' ').trim();
}

export interface Counts {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

export const emptyCounts = (): Counts => ({ tp: 0, fn: 0, fp: 0, tn: 0 });

/** Counts for one document; `text` null means the extractor failed (all "with" are FN, all "without" TN). */
export function scoreDocument(text: string | null, withSegs: readonly string[], withoutSegs: readonly string[]): Counts {
  if (text === null || text === '') return { tp: 0, fn: withSegs.length, fp: 0, tn: withoutSegs.length };
  const t = norm(text);
  const tp = withSegs.filter((s) => t.includes(norm(s))).length;
  const fp = withoutSegs.filter((s) => t.includes(norm(s))).length;
  return { tp, fn: withSegs.length - tp, fp, tn: withoutSegs.length - fp };
}

export function add(a: Counts, b: Counts): void {
  a.tp += b.tp;
  a.fn += b.fn;
  a.fp += b.fp;
  a.tn += b.tn;
}

export interface Metrics {
  precision: number;
  recall: number;
  accuracy: number;
  fscore: number;
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

export function metrics(c: Counts): Metrics {
  return {
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    accuracy: ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn),
    fscore: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
  };
}
