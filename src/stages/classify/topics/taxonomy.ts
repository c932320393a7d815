// The topic taxonomy (by default the 17 top-level IPTC Media Topics) with English and Chinese labels.
import { z } from 'zod';
import { readYamlAs } from '../../../config/load.js';

export const TaxonomyFileSchema = z
  .object({
    attribution: z.string().optional(),
    topics: z
      .array(
        z
          .object({
            /** Short name used by topic rules and model labels. */
            id: z.string().min(1),
            /** Code written to records (an IPTC qcode such as medtop:13000000). */
            code: z.string().min(1).nullable().default(null),
            en: z.string().min(1),
            zh: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export interface TaxonomyTopic {
  id: string;
  code: string | null;
  en: string;
  zh: string | undefined;
}

export class Taxonomy {
  private readonly byKey = new Map<string, TaxonomyTopic>();
  constructor(readonly topics: TaxonomyTopic[]) {
    for (const t of topics) {
      for (const key of [t.id, t.code, t.en, t.zh]) if (key) this.byKey.set(key.toLowerCase(), t);
      // "medtop:13000000" and the bare number "13000000" name the same topic.
      if (t.code?.startsWith('medtop:')) this.byKey.set(t.code.slice(7), t);
    }
  }

  /** A topic by id, code, or English or Chinese label; undefined when the taxonomy lacks it. */
  find(key: string): TaxonomyTopic | undefined {
    return this.byKey.get(key.toLowerCase());
  }

  static load(file: string): Taxonomy {
    const { topics } = readYamlAs(file, TaxonomyFileSchema);
    return new Taxonomy(topics.map((t) => ({ id: t.id, code: t.code, en: t.en, zh: t.zh })));
  }
}
