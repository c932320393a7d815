// Programmatic entry points of the classify stage.
import type { Classification } from '../../domain/record.js';
import { ClassifyConfigSchema, type ClassifyConfig } from './config.js';
import { loadClassifier, SHIPPED_CONFIG_DIR, type TextClassifier } from './classifier.js';
import type { ClassifyInput } from './types.js';

export { loadClassifier, TextClassifier } from './classifier.js';
export { classifyArticle } from './classify-article.js';
export { detectLanguage } from './lang/detect-language.js';
export { parseQuery, QuerySyntaxError } from './rules/query-parser.js';
export type { Classifier, ClassifyInput } from './types.js';

/** The folder of the shipped config files (config/ at the package root). */
export const DEFAULT_CLASSIFY_CONFIG_DIR = SHIPPED_CONFIG_DIR;

export interface ClassifyOptions {
  /** Classify options (defaults as in config/default.yaml); relative paths resolve against `baseDir`. */
  config?: Partial<ClassifyConfig>;
  baseDir?: string;
  /** A classifier to reuse (building one reads files and compiles every rule). */
  classifier?: TextClassifier;
}

const cache = new Map<string, TextClassifier>();

/** Classifies one article with the shipped (or given) configuration; classifiers are built once and cached. */
export function classify(article: ClassifyInput, options: ClassifyOptions = {}): Classification {
  if (options.classifier) return options.classifier.classify(article);
  const config = ClassifyConfigSchema.parse(options.config ?? {});
  const baseDir = options.baseDir ?? DEFAULT_CLASSIFY_CONFIG_DIR;
  const key = `${baseDir}\0${JSON.stringify(config)}`;
  let classifier = cache.get(key);
  if (!classifier) {
    classifier = loadClassifier(config, baseDir);
    cache.set(key, classifier);
  }
  return classifier.classify(article);
}
