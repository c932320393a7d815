// `newsflow serve`: run stage workers and the crawl schedule until SIGTERM/SIGINT, then shut down in order.
import type { Worker } from 'bullmq';
import { loadFeeds } from '../config/load.js';
import { STAGES, STAGE_GROUPS, type StageName } from '../jobs/names.js';
import { syncSchedules } from '../jobs/schedules.js';
import { onSignals, type ShutdownPlan } from '../workers/shutdown.js';
import { startWorkers } from '../workers/pipeline.js';
import type { Runtime } from '../workers/runtime.js';

export function parseStages(list: string | undefined): StageName[] {
  if (!list) return [...STAGES];
  const out = new Set<StageName>();
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const group = STAGE_GROUPS[part];
    if (!group) throw new Error(`unknown stage "${part}"; expected any of ${Object.keys(STAGE_GROUPS).join(', ')}`);
    for (const s of group) out.add(s);
  }
  return STAGES.filter((s) => out.has(s));
}

export interface Service {
  workers: Worker[];
  stages: StageName[];
  plan: () => ShutdownPlan;
}

export async function serve(rt: Runtime, options: { stages?: string; schedule?: boolean; signals?: boolean } = {}): Promise<Service> {
  const stages = parseStages(options.stages);
  const workers = await startWorkers(rt, stages);
  if (options.schedule !== false) {
    const feeds = loadFeeds(rt.loaded.paths.feedsFile);
    const result = await syncSchedules(rt, feeds);
    rt.log.info(result, 'crawl schedules synchronised');
  }
  rt.log.info({ stages, pipelineVersion: rt.pipelineVersion }, 'serving');
  const plan = (): ShutdownPlan => ({
    workers,
    graceMs: rt.loaded.config.workers.shutdownGraceMs,
    closeRest: () => rt.close(),
    log: rt.log,
  });
  if (options.signals !== false) onSignals(plan);
  return { workers, stages, plan };
}
