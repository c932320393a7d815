// `newsflow serve`: run stage workers and the crawl schedule until SIGTERM/SIGINT, then shut down in order.
import type { Worker } from 'bullmq';
import { loadFeeds } from '../config/load.js';
import { STAGES, STAGE_GROUPS, type StageName } from '../jobs/names.js';
import { syncSchedules } from '../jobs/schedules.js';
import { onSignals, type ShutdownPlan } from '../workers/shutdown.js';
import { startWorkers } from '../workers/pipeline.js';
import { closeWorkers } from '../workers/shutdown.js';
import type { Runtime } from '../workers/runtime.js';
import { startAdminServer, type AdminServer } from '../admin/server.js';
import { PipelineMetrics } from '../infra/metrics.js';
import { InputError } from '../domain/errors.js';

export function parseStages(list: string | undefined): StageName[] {
  if (!list) return [...STAGES];
  const out = new Set<StageName>();
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const group = STAGE_GROUPS[part];
    if (!group) throw new InputError(`unknown stage "${part}"; expected any of ${Object.keys(STAGE_GROUPS).join(', ')}`);
    for (const s of group) out.add(s);
  }
  return STAGES.filter((s) => out.has(s));
}

export interface Service {
  workers: Worker[];
  stages: StageName[];
  plan: () => ShutdownPlan;
  /** The admin server (/livez, /readyz, /metrics, /admin/queues), when a port is configured. */
  admin: AdminServer | null;
}

export interface ServeOptions {
  stages?: string;
  schedule?: boolean;
  signals?: boolean;
  /** Overrides `admin.port`: serve the admin endpoints on this port (0: any free one). */
  adminPort?: number;
}

export async function serve(rt: Runtime, options: ServeOptions = {}): Promise<Service> {
  const stages = parseStages(options.stages);
  const metrics = new PipelineMetrics();
  const scheduling = options.schedule !== false;
  const sync = async (feeds = loadFeeds(rt.loaded.paths.feedsFile)) => {
    const result = await syncSchedules(rt, feeds);
    rt.log.info(result, 'crawl schedules synchronised with the feeds file');
  };
  // A feeds file that does not load stops start-up before anything runs.
  const feeds = scheduling ? loadFeeds(rt.loaded.paths.feedsFile) : [];
  // The admin server starts first, so a refused configuration (no token off loopback, port taken) starts no worker.
  let workers: Worker[] = [];
  const adminPort = options.adminPort ?? rt.loaded.config.admin.port;
  const admin = adminPort === null ? null : await startAdminServer(rt, { port: adminPort, metrics, workers: () => workers });
  try {
    workers = await startWorkers(rt, stages, metrics.hooks);
    if (scheduling) await sync(feeds);
  } catch (err) {
    // What started must stop, or the process would go on looking alive (its endpoints answering) with nothing to do.
    await closeWorkers(workers, rt.loaded.config.workers.shutdownGraceMs, rt.log);
    await admin?.close();
    throw err;
  }
  // SIGHUP re-reads the feeds file, as `newsflow feeds reload` does from anywhere; without schedules here there is
  // nothing to reload, and the signal must not end the process (its default action).
  if (options.signals !== false) {
    process.on('SIGHUP', () => {
      if (!scheduling) return rt.log.info('SIGHUP: this process runs no schedules (--no-schedule), nothing to reload');
      void sync().catch((err) => rt.log.error({ err }, 'could not reload the feeds file'));
    });
  }
  rt.log.info({ stages, pipelineVersion: rt.pipelineVersion }, 'serving');
  const plan = (): ShutdownPlan => ({
    workers,
    graceMs: rt.loaded.config.workers.shutdownGraceMs,
    closeRest: async () => {
      await admin?.close();
      await rt.close();
    },
    log: rt.log,
  });
  if (options.signals !== false) onSignals(plan);
  return { workers, stages, plan, admin };
}
