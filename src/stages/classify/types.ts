// The classify stage's contract: what it reads of an article and the labels it returns (see domain/record.ts).
import type { Classification } from '../../domain/record.js';

export interface ClassifyInput {
  title: string | null;
  text: string;
  /** Language hint from the page (html lang, og:locale), if any. */
  langHint?: string | null;
  /** Feed id, for `source:` scopes in watch rules. */
  sourceId?: string | null;
  /** Article URL, for `site:` scopes in watch rules. */
  url?: string | null;
}

export interface Classifier {
  classify(input: ClassifyInput): Classification;
}
