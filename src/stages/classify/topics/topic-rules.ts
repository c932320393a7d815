// Topic keyword rules: each gives one taxonomy topic a score that grows with the keywords found (diminishing
// returns per keyword, title hits weigh double), so a single passing mention does not make a topic.
import { z } from 'zod';
import type { Topic } from '../../../domain/record.js';
import type { HitTable, TermIndex } from '../match/term-index.js';
import type { Taxonomy, TaxonomyTopic } from './taxonomy.js';
import { InputError } from '../../../domain/errors.js';
import { readYamlAs } from '../../../config/load.js';

export const TopicsFileSchema = z
  .object({
    topics: z.array(
      z
        .object({
          id: z.string().regex(/^[A-Za-z0-9_.-]+$/),
          /** Taxonomy topic (id, code or label). */
          topic: z.string().min(1),
          /** Keywords, as one list or grouped by language (the grouping is for readers; all apply to every text). */
          keywords: z.union([z.array(z.string().min(1)), z.record(z.string(), z.array(z.string().min(1)))]),
          /** Multiplies the rule's evidence; below 1 for broad lists. */
          weight: z.number().positive().default(1),
        })
        .strict(),
    ),
  })
  .strict();

interface CompiledTopicRule {
  id: string;
  topic: TaxonomyTopic;
  terms: number[];
  weight: number;
}

/** Evidence needed for a score of about 0.63; tuned so that three distinct keywords in the body make a topic. */
const SCALE = 3;

export class TopicRules {
  private readonly rules: CompiledTopicRule[] = [];

  constructor(
    private readonly index: TermIndex,
    taxonomy: Taxonomy,
    file: z.infer<typeof TopicsFileSchema>,
    fileName = 'topics',
  ) {
    for (const r of file.topics) {
      const topic = taxonomy.find(r.topic);
      if (!topic) throw new InputError(`${fileName}: topic rule "${r.id}" names "${r.topic}", which is not in the taxonomy`);
      const words = Array.isArray(r.keywords) ? r.keywords : Object.values(r.keywords).flat();
      const terms = words.map((w) => {
        const bare = /^"(.*)"$/.exec(w)?.[1] ?? w;
        return index.add({ text: bare.replace(/\*$/, ''), prefix: bare.endsWith('*') });
      });
      this.rules.push({ id: r.id, topic, terms: [...new Set(terms)], weight: r.weight });
    }
  }

  /**
   * Scored topics; `evidence`, when given, receives the keywords (with counts) behind each rule source.
   * A score is the saturation of the rule's own evidence times the square root of its share of the strongest
   * rule's: long articles name many topics in passing, and the one they are about should stand out.
   */
  score(hits: HitTable, labelLang: 'en' | 'zh', evidence?: Map<string, Array<{ term: string; count: number }>>): Topic[] {
    const found: Array<{ rule: CompiledTopicRule; weight: number }> = [];
    for (const rule of this.rules) {
      let weight = 0;
      const terms: Array<{ term: string; count: number }> = [];
      for (const term of rule.terms) {
        const list = hits.get(term);
        if (!list.length) continue;
        if (evidence) {
          const spec = this.index.term(term);
          terms.push({ term: spec.prefix ? `${spec.text}*` : spec.text, count: list.length });
        }
        let title = 0;
        for (const h of list) if (h.field === 'title') title++;
        weight += Math.log2(1 + list.length - title) + 2 * Math.min(title, 1);
      }
      if (weight <= 0) continue;
      found.push({ rule, weight: weight * rule.weight });
      evidence?.set(`rule:${rule.id}`, terms.sort((a, b) => b.count - a.count));
    }
    const strongest = Math.max(0, ...found.map((f) => f.weight));
    return found
      .map(({ rule, weight }) => ({
        code: rule.topic.code,
        label: topicLabel(rule.topic, labelLang),
        score: round((1 - Math.exp(-weight / SCALE)) * Math.sqrt(weight / strongest)),
        source: `rule:${rule.id}`,
      }))
      .sort((a, b) => b.score - a.score);
  }
}

export function topicLabel(topic: TaxonomyTopic, labelLang: 'en' | 'zh'): string {
  return labelLang === 'zh' && topic.zh ? topic.zh : topic.en;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function loadTopicsFile(file: string, index: TermIndex, taxonomy: Taxonomy): TopicRules {
  return new TopicRules(index, taxonomy, readYamlAs(file, TopicsFileSchema), file);
}
