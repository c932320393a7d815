// The classifier: language, one scan of the article's fields for every rule term and alias, then watch rules,
// topics (rules and model), entities and keywords from that scan. Built once from config, used for every article.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { hostnameOf, siteOf } from '../../domain/canonical-url.js';
import type { Classification, RuleMatch, Topic } from '../../domain/record.js';
import type { ClassifyConfig } from './config.js';
import type { Classifier, ClassifyInput } from './types.js';
import { detectLanguage } from './lang/detect-language.js';
import { foldText, toOriginalRange, type FoldedText } from './text/fold.js';
import { Tokenizer, type Token } from './text/tokenize.js';
import { TermIndex, type HitTable } from './match/term-index.js';
import { loadRulesFile, type WatchRule } from './rules/watch-rules.js';
import { evaluate, isTermHit, matches, type Evidence } from './rules/evaluate.js';
import { Taxonomy } from './topics/taxonomy.js';
import { loadTopicsFile, topicLabel, type TopicRules } from './topics/topic-rules.js';
import { Gazetteer, loadGazetteerFile } from './entities/gazetteer.js';
import { KeywordExtractor } from './keywords/keywords.js';
import { loadModel, type TextModel } from './model/text-model.js';
import type { FoldedInput } from './model/features.js';

export interface ClassifierParts {
  index: TermIndex;
  rules: WatchRule[];
  taxonomy: Taxonomy;
  topicRules: TopicRules;
  gazetteer: Gazetteer;
  tokenizer: Tokenizer;
  model: TextModel | null;
  options: ClassifyConfig;
}

/** The classification with the evidence behind it (for `newsflow classify`). */
export interface ClassifyDetails {
  classification: Classification;
  /** ISO 15924 script of the text (Hans, Hant, Latn, ...). */
  script: string;
  /** Per topic rule source ("rule:<id>"), the keywords found and how often. */
  topicEvidence: Map<string, Array<{ term: string; count: number }>>;
  /** Per model topic label, the n-grams and words that most favoured it, with their weight. */
  modelEvidence: Map<string, Array<{ term: string; weight: number }>>;
  /** Per entity id, the aliases found. */
  entityAliases: Map<string, Set<string>>;
}

export class TextClassifier implements Classifier {
  private readonly keywords: KeywordExtractor;

  constructor(private readonly parts: ClassifierParts) {
    this.keywords = new KeywordExtractor({ maxKeywords: parts.options.maxKeywords, learn: parts.options.learnKeywordFrequencies });
  }

  classify(input: ClassifyInput): Classification {
    return this.run(input, null).classification;
  }

  classifyWithDetails(input: ClassifyInput): ClassifyDetails {
    const details = { topicEvidence: new Map(), entityAliases: new Map(), modelEvidence: new Map() };
    return { ...this.run(input, details), ...details };
  }

  private run(input: ClassifyInput, details: Pick<ClassifyDetails, 'topicEvidence' | 'entityAliases' | 'modelEvidence'> | null) {
    const { index, rules, gazetteer, tokenizer, options } = this.parts;
    const title = input.title ?? '';
    const language = detectLanguage(title ? `${title}\n${input.text}` : input.text, input.langHint);
    const fields = new Map<string, FoldedText>([
      ['title', foldText(title)],
      ['text', foldText(input.text)],
    ]);
    const hits = index.scan([...fields].map(([name, folded]) => ({ name, folded })));

    const segments = new Map<string, { words: Token[]; jieba: Token[] | null }>();
    const segmentOf = (field: string) => {
      let s = segments.get(field);
      if (!s) {
        s = tokenizer.segment(fields.get(field)?.text ?? '', language.lang, hits.words.get(field));
        segments.set(field, s);
      }
      return s;
    };
    const tokensOf = (field: string): Token[] => segmentOf(field).words;
    // Before anything counts a hit: 中国 in 其中|国内 is no mention (jieba's own words: the merged ones are made from
    // these hits), and an alias a blocker takes (中美 in 中美洲) is none for rules either. The words segmented here
    // serve NEAR, the model and keywords too.
    index.dropCrossWordHits(hits, (field) => segmentOf(field).jieba);
    gazetteer.suppressBlocked(hits);
    // A hit's words: from the first token that ends after its start ("#AI" starts at "#", in no token) to the last
    // that starts before its end. A hit of no word (punctuation, emoji) sits between the two tokens around it.
    const tokenRange = (field: string, start: number, end: number) => {
      const tokens = tokensOf(field);
      const before = upperBound(tokens, start) - 1;
      const first = before >= 0 && tokens[before]!.end > start ? before : before + 1;
      return { first, last: upperBound(tokens, end - 1) - 1 };
    };

    const host = hostnameOf(input.url);
    const site = host === null ? null : siteOf(host);
    const ruleMatches: RuleMatch[] = [];
    const ctx = { hits, meta: { lang: language.lang, source: input.sourceId ?? null, site }, tokenRange };
    for (const rule of rules) {
      if (!matches(rule.node, ctx)) continue;
      // Fields were scanned title first, as reportHits ranks them, so each term's first hits are all it can report.
      const evidence = evaluate(rule.node, ctx, options.maxHitsPerRule);
      if (evidence) ruleMatches.push({ rule: rule.id, version: rule.version, hits: this.reportHits(evidence, fields) });
    }

    // The model reads the fields' jieba words when they are segmented anyway (for keywords, NEAR rules or Chinese hits).
    const folded: FoldedInput = { title: fields.get('title')!.text, text: fields.get('text')!.text };
    if (this.parts.model) {
      const reuse = (field: string) => (options.maxKeywords > 0 || segments.has(field) ? segmentOf(field).jieba : null);
      folded.titleWords = reuse('title');
      folded.textWords = reuse('text');
    }
    const topics = this.topics(hits, title, input.text, folded, details?.topicEvidence);
    if (details && this.parts.model) {
      const model = this.parts.model;
      for (const t of topics) {
        if (t.source !== `model:${model.version}`) continue;
        const label = model.labels.find((l) => (this.parts.taxonomy.find(l)?.code ?? null) === t.code && (t.code !== null || l === t.label));
        if (label) details.modelEvidence.set(t.label, model.explain(title, input.text, label, 6, folded));
      }
    }
    const [best, second] = topics;
    // Close scores mean the labels disagree; two near-certain topics mean an article on both (AI policy), not doubt.
    const needsReview =
      best !== undefined && second !== undefined && best.score - second.score < options.reviewMargin && second.score < SURE;
    return {
      script: language.script,
      classification: {
        lang: language.lang,
        langConfidence: language.confidence,
        topics,
        rules: ruleMatches,
        entities: gazetteer.resolve(hits, details?.entityAliases),
        keywords:
          options.maxKeywords > 0
            ? this.keywords.extract(
                outsideUrls(tokensOf('title'), fields.get('title')!.text),
                outsideUrls(tokensOf('text'), fields.get('text')!.text),
                { title: fields.get('title')!, text: fields.get('text')! },
              )
            : [],
        needsReview,
      },
    };
  }

  private topics(
    hits: HitTable,
    title: string,
    text: string,
    folded: FoldedInput,
    evidence: ClassifyDetails['topicEvidence'] | undefined,
  ): Topic[] {
    const { topicRules, taxonomy, model, options } = this.parts;
    const all = topicRules.score(hits, options.labelLanguage, evidence);
    if (model) {
      // A label hardly likelier than chance is no finding: with three labels, an input the model barely knows
      // ("我们的", "2025年") gets about a third each, all above minTopicScore. predict() gives none without a known feature.
      const chance = 1 / model.labels.length + CHANCE_MARGIN;
      for (const p of model.predict(title, text, folded)) {
        if (p.score < chance) continue;
        const known = taxonomy.find(p.label);
        all.push({
          code: known?.code ?? null,
          label: known ? topicLabel(known, options.labelLanguage) : p.label,
          score: Math.round(p.score * 1000) / 1000,
          source: `model:${model.version}`,
        });
      }
    }
    // One entry per topic: the strongest source speaks for it.
    const byKey = new Map<string, Topic>();
    for (const t of all) {
      const key = t.code ?? `label:${t.label}`;
      const prev = byKey.get(key);
      if (!prev || t.score > prev.score) byKey.set(key, t);
    }
    return [...byKey.values()]
      .filter((t) => t.score >= options.minTopicScore)
      .sort((a, b) => b.score - a.score || a.label.localeCompare(b.label))
      .slice(0, options.maxTopics);
  }

  /** Evidence as reported: title first, then text, then metadata; in order; deduplicated; capped. */
  private reportHits(evidence: Evidence[], fields: Map<string, FoldedText>): RuleMatch['hits'] {
    const rank = (field: string) => (field === 'title' ? 0 : field === 'text' ? 1 : 2);
    const terms = evidence.filter(isTermHit).sort((a, b) => rank(a.field) - rank(b.field) || a.start - b.start || a.end - b.end);
    const out: RuleMatch['hits'] = [];
    const max = this.parts.options.maxHitsPerRule;
    let prev: (typeof terms)[number] | undefined;
    // Folded offsets grow with original offsets, so sorting and deduplicating before mapping back is safe.
    for (const e of terms) {
      if (out.length >= max) break;
      if (prev && prev.field === e.field && prev.start === e.start && prev.end === e.end) continue;
      prev = e;
      const folded = fields.get(e.field)!;
      const r = toOriginalRange(folded, e.start, e.end);
      out.push({ term: folded.original.slice(r.start, r.end), field: e.field, start: r.start, end: r.end });
    }
    const metas = new Set<string>();
    for (const e of evidence) {
      if (isTermHit(e) || metas.has(e.meta) || out.length >= max) continue;
      metas.add(e.meta);
      out.push({ term: e.term, field: e.meta, start: 0, end: e.value.length });
    }
    return out;
  }
}

/** A topic score at which the label is no longer in doubt. */
const SURE = 0.9;
/** How much a model label must beat the uniform share 1/K by to be a topic (it matters when labels are few). */
const CHANCE_MARGIN = 0.1;

// Bounded character classes: Chinese text is one long run of non-space, where \S+@ would backtrack quadratically.
// An address starts only where a run of its characters does (the lookbehind): tried at every position of a long
// run, as "0xab12…" is, [\w.+-]+ would read to the run's end each time (160,000 characters took 12 s).
const URL_OR_EMAIL = /\b(?:https?:\/\/|www\.)[\x21-\x7e]+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+/g;
// Without an "@" the e-mail branch cannot match, and trying it at every word character is most of the regex's cost.
const URL_ONLY = /\b(?:https?:\/\/|www\.)[\x21-\x7e]+/g;

/** Tokens that are not part of a link or address: "https" and "mmbiz" are no keywords. */
function outsideUrls(tokens: Token[], text: string): Token[] {
  const pattern = text.includes('@') ? URL_OR_EMAIL : URL_ONLY;
  const spans = Array.from(text.matchAll(pattern), (m) => [m.index, m.index + m[0].length] as const);
  if (!spans.length) return tokens;
  // Tokens and spans both run in text order: one merge walk.
  let k = 0;
  return tokens.filter((t) => {
    while (k < spans.length && spans[k]![1] <= t.start) k++;
    return !(k < spans.length && spans[k]![0] < t.end);
  });
}

function upperBound(tokens: Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The shipped config folder (taxonomy, topics, rules and gazetteer files). */
export const SHIPPED_CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../config');

/**
 * Builds a classifier from config. Relative paths resolve against `baseDir` (the config file's folder) and, when
 * no such file is there, against the shipped config folder: a user config that changes one file keeps the others.
 */
export function loadClassifier(config: ClassifyConfig, baseDir: string): TextClassifier {
  const resolve = (p: string) => {
    const own = path.resolve(baseDir, p);
    if (path.isAbsolute(p) || existsSync(own)) return own;
    const shipped = path.resolve(SHIPPED_CONFIG_DIR, p);
    return existsSync(shipped) ? shipped : own;
  };
  const index = new TermIndex();
  const taxonomy = Taxonomy.load(resolve(config.taxonomyFile));
  const topicRules = loadTopicsFile(resolve(config.topicsFile), index, taxonomy);
  const rules = config.rulesFile ? loadRulesFile(resolve(config.rulesFile), index) : [];
  const gazetteer = new Gazetteer(
    index,
    config.gazetteerFiles.map((f) => loadGazetteerFile(resolve(f))),
    { builtinCountries: config.builtinCountries },
  );
  // Chinese terms and the user dictionary's words are kept whole by the segmenter, found by the same scan.
  if (config.userDictFile) {
    for (const line of readFileSync(resolve(config.userDictFile), 'utf8').split('\n')) {
      const word = line.trim().split(/\s+/)[0];
      if (word) index.addWord(word);
    }
  }
  index.build();
  const tokenizer = new Tokenizer();
  const model = config.modelFile ? loadModel(resolve(config.modelFile)) : null;
  return new TextClassifier({ index, rules, taxonomy, topicRules, gazetteer, tokenizer, model, options: config });
}
