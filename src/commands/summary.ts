// The summary printed at the end of a crawl, an ingest or a replay, from the run's shared counters.

export interface RunSummary {
  runId: string;
  seconds: number;
  counts: Record<string, number>;
  outDir: string;
}

const n = (counts: Record<string, number>, key: string) => counts[key] ?? 0;

export function droppedTotal(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([k]) => k.startsWith('dropped-'))
    .reduce((sum, [, v]) => sum + v, 0);
}

/** Items left for later polls, and how many feeds publish faster than a poll passes on (see fetch-feed.ts). */
function waiting(c: Record<string, number>): string {
  if (!c['items-deferred']) return '';
  const behind = c['feeds-behind'] ? `; feeds falling behind ${c['feeds-behind']}` : '';
  return `   (left for the next polls ${c['items-deferred']}${behind})`;
}

export function formatSummary(s: RunSummary): string {
  const c = s.counts;
  const dropped = Object.entries(c).filter(([k]) => k.startsWith('dropped-'));
  const lines = [
    `run ${s.runId} finished in ${s.seconds.toFixed(1)} s`,
    `  feeds fetched      ${n(c, 'feeds-fetched')}   (not modified ${n(c, 'feeds-not-modified')})`,
    `  items new          ${n(c, 'items-new')}${waiting(c)}`,
    `  articles written   ${n(c, 'articles-written')}`,
    `  duplicates         ${n(c, 'dedupe-duplicate')}   (near-duplicates ${n(c, 'dedupe-near-duplicate')})`,
    `  dropped            ${droppedTotal(c)}${dropped.length ? `   (${dropped.map(([k, v]) => `${k.slice(8)} ${v}`).join(', ')})` : ''}`,
    `  errors             ${n(c, 'errors')}`,
    `output: ${s.outDir}`,
  ];
  return lines.join('\n');
}
