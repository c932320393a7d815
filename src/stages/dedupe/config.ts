// Options of the dedupe stage; every default is here. The thresholds were chosen by a sweep on the labelled
// evaluation set (`npx tsx bench/dedupe.ts quality --seeds 10 --corpus 300`: 5,220 pairs, English and Chinese
// fixtures plus real pages): at these values precision 1.000 and recall 0.993 there; lower containment (0.7)
// gained recall on short excerpts but lets a short item that quotes one paragraph come within reach.
import { z } from 'zod';

export const DedupeConfigSchema = z
  .object({
    /** Days an article's keys stay in the index. */
    retentionDays: z.number().positive().default(30),
    /**
     * The retention window is cut into this many generations; each generation's keys expire together, so an
     * article is forgotten between retentionDays and retentionDays * (1 + 1/generations) after it was indexed.
     */
    generations: z.number().int().min(1).max(30).default(6),
    /** Articles expected in the index at once; sizes the hash buckets (adapts upward by itself as traffic grows). */
    capacity: z.number().int().positive().default(1_000_000),
    /** Near duplicate when the estimated Jaccard resemblance of the shingle sets reaches this. */
    nearJaccard: z.number().min(0).max(1).default(0.5),
    /** Near duplicate when the shorter text's shingles lie in the longer at least this much (truncated copies)... */
    nearContainment: z.number().min(0).max(1).default(0.75),
    /** ...and the resemblance is at least this (a short quote of a long article is not a copy of it). */
    containmentMinJaccard: z.number().min(0).max(1).default(0.2),
    /**
     * Between two articles of the same site (host; WeChat account), shared page chrome can make different articles
     * look alike: a near duplicate there needs this resemblance, and containment does not count.
     */
    sameSiteJaccard: z.number().min(0).max(1).default(0.7),
    /**
     * Texts with fewer distinct shingles are too short to say what story they are (a paywall stub, "photo gallery"):
     * they are matched by canonical URL and feed item only, neither by text hash nor by resemblance.
     */
    minShingles: z.number().int().min(1).default(10),
    /**
     * MinHash slots indexed for candidate lookup (each a Redis hash field per article, ~11 bytes). A copy that
     * resembles its original with Jaccard J is missed by all bands with probability (1-J)^bands: 0.1% at J=0.5.
     */
    bands: z.number().int().min(1).max(64).default(10),
    /** Candidates verified per check, most band matches first. */
    maxCandidates: z.number().int().min(1).max(64).default(8),
  })
  .strict();
export type DedupeConfig = z.infer<typeof DedupeConfigSchema>;

export const DEFAULT_DEDUPE_CONFIG: DedupeConfig = DedupeConfigSchema.parse({});
