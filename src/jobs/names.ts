// Queue names, one per stage, in pipeline order. Pure constants so stage cores may name their targets.

export const STAGES = ['fetch-feed', 'fetch-article', 'clean', 'classify', 'dedupe', 'sink'] as const;
export type StageName = (typeof STAGES)[number];

/** Stage groups as operators name them on the command line (`serve --stages fetch,clean`). */
export const STAGE_GROUPS: Record<string, readonly StageName[]> = {
  fetch: ['fetch-feed', 'fetch-article'],
  'fetch-feed': ['fetch-feed'],
  'fetch-article': ['fetch-article'],
  clean: ['clean'],
  classify: ['classify'],
  dedupe: ['dedupe'],
  sink: ['sink'],
};
