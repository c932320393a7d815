// Options of the classify stage; every default is here. Paths are relative to the config file's folder.
import { z } from 'zod';

export const ClassifyConfigSchema = z
  .object({
    /** Topic keyword rules file (config/topics.yaml): keyword lists per taxonomy topic. */
    topicsFile: z.string().default('topics.yaml'),
    /** Watch rules file (config/rules.yaml); null for none. A syntax error stops start-up with line and column. */
    rulesFile: z.string().nullable().default('rules.yaml'),
    /** Topic taxonomy with English and Chinese labels (default: IPTC Media Topics top level). */
    taxonomyFile: z.string().default('taxonomy.yaml'),
    /** Gazetteer files (aliases → entity id); later files override earlier ones. */
    gazetteerFiles: z.array(z.string()).default(['gazetteer.yaml']),
    /** Include ISO 3166-1 countries and territories with their English and Chinese names. */
    builtinCountries: z.boolean().default(true),
    /** A model trained with `newsflow model train`; its labels become topics with source "model:<version>". */
    modelFile: z.string().nullable().default(null),
    /** Extra words for the Chinese segmenter, one per line (rule terms and aliases are added by themselves). */
    userDictFile: z.string().nullable().default(null),
    /** Most topics on a record. */
    maxTopics: z.number().int().positive().default(3),
    /** Topics scoring below this are left out. */
    minTopicScore: z.number().min(0).max(1).default(0.3),
    /** needsReview is set when the two best topic scores are closer than this (and not both 0.9 or more). */
    reviewMargin: z.number().min(0).max(1).default(0.1),
    /** Keywords per record. */
    maxKeywords: z.number().int().nonnegative().default(10),
    /** Learn keyword document frequencies from the articles seen (per process; keywords then depend on order). */
    learnKeywordFrequencies: z.boolean().default(false),
    /** Language of topic labels in records: en or zh (codes are the same either way). */
    labelLanguage: z.enum(['en', 'zh']).default('en'),
    /** Most hits reported per watch rule match (all are counted for matching). */
    maxHitsPerRule: z.number().int().positive().default(20),
  })
  .strict();
export type ClassifyConfig = z.infer<typeof ClassifyConfigSchema>;
