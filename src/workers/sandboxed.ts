// The processor of sandboxed stages: runs in a worker thread of its own (BullMQ `useWorkerThreads`), so a page that
// takes long to parse blocks this thread only, never the lock renewal of the other jobs in the process. The thread
// opens its own runtime from the spec the parent put in the environment, once, and serves every sandboxed stage.
import type { SandboxedJob } from 'bullmq';
import type { LoadedConfig } from '../config/load.js';
import type { StageName } from '../jobs/names.js';
import { createLogger } from '../infra/logger.js';
import { openRuntime } from './runtime.js';
import { createProcessor, type SandboxResult } from './shell.js';
import { createStageDefinitions } from './stages.js';

export const SANDBOX_SPEC_ENV = 'NEWSFLOW_SANDBOX_SPEC';

export interface SandboxSpec {
  loaded: LoadedConfig;
  queuePrefix: string;
  dedupeRoot: string;
  outDir: string;
  journal: boolean;
  stages: StageName[];
}

type Processor = (job: SandboxedJob, token?: string, signal?: AbortSignal) => Promise<SandboxResult>;
let ready: Promise<Map<string, Processor>> | null = null;

async function init(): Promise<Map<string, Processor>> {
  const raw = process.env[SANDBOX_SPEC_ENV];
  if (!raw) throw new Error(`${SANDBOX_SPEC_ENV} is not set: sandboxed stages are started by \`newsflow serve\``);
  const spec = JSON.parse(raw) as SandboxSpec;
  const log = createLogger({ level: spec.loaded.config.log.level, pretty: false }).child({ sandbox: true });
  const rt = await openRuntime({
    loaded: spec.loaded,
    queuePrefix: spec.queuePrefix,
    dedupeRoot: spec.dedupeRoot,
    outDir: spec.outDir,
    journal: spec.journal,
    log,
  });
  const set = await createStageDefinitions(rt, spec.stages);
  return new Map(
    spec.stages.map((stage) => {
      const processor: Processor = async (job, token, signal) => {
        const counts: Record<string, number> = {};
        const run = createProcessor(set.definitions[stage], {
          queues: rt.queues,
          stats: rt.stats,
          log,
          onCount: (_stage, name, by) => (counts[name] = (counts[name] ?? 0) + by),
        });
        return { outcome: await run(job, token, signal), counts };
      };
      return [stage, processor];
    }),
  );
}

/** BullMQ forwards a cancellation (shutdown past its bound) to the thread as `signal`: the job then goes back at once. */
export default async function sandboxedProcessor(job: SandboxedJob, token?: string, signal?: AbortSignal): Promise<SandboxResult> {
  ready ??= init();
  const processor = (await ready).get(job.queueName);
  if (!processor) throw new Error(`stage ${job.queueName} is not sandboxed in this process`);
  return processor(job, token, signal);
}
