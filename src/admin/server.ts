// The admin HTTP server of a newsflow process: /livez, /readyz, /metrics (Prometheus) and the BullMQ queue
// dashboard of @bull-board at /admin/queues. Loopback only by default; a bearer token guards it anywhere else.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue, Worker } from 'bullmq';
import express from 'express';
import type { AdminConfig } from '../config/schema.js';
import { countPausedFeeds } from '../infra/fetch-state.js';
import { PipelineMetrics } from '../infra/metrics.js';
import type { Runtime } from '../workers/runtime.js';
import { refuseForeignRequests, requiredToken, requireToken } from './auth.js';
import { checkReadiness, readRedisWithin, redisReason } from './readiness.js';
import { DEAD_LETTER_QUEUE } from '../jobs/dead-letters.js';

export const DASHBOARD_PATH = '/admin/queues';

export interface AdminServerOptions extends Partial<AdminConfig> {
  /** The metrics this process's workers feed; a fresh registry (queue depths and process metrics only) by default. */
  metrics?: PipelineMetrics;
  /** The workers /readyz checks; read at each request, so workers started later count. */
  workers?: () => readonly Worker[];
  /** Bound of the PING /readyz (and the dashboard's API, before each request) sends to Redis, in ms; default 1000. */
  pingTimeoutMs?: number;
  /** Bound of each Redis read of a /metrics scrape (queue depths, paused feeds), in ms; default 2000. */
  collectTimeoutMs?: number;
}

export interface AdminServer {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  port: number;
  metrics: PipelineMetrics;
  /** Stops listening and drops open connections (dashboard keep-alives); safe to call twice. */
  close(): Promise<void>;
}

export async function startAdminServer(rt: Runtime, options: AdminServerOptions = {}): Promise<AdminServer> {
  const host = options.host ?? rt.loaded.config.admin.host;
  const port = options.port ?? rt.loaded.config.admin.port ?? 0;
  const token = requiredToken(host, options.token ?? rt.loaded.config.admin.token);
  const metrics = options.metrics ?? new PipelineMetrics();
  const workers = options.workers ?? (() => []);
  const log = rt.log.child({ component: 'admin' });

  const deadLetters = rt.deadLetters;
  const queues: Record<string, Queue> = { ...rt.queues, [DEAD_LETTER_QUEUE]: deadLetters };
  const pingTimeoutMs = options.pingTimeoutMs ?? 1000;
  // Without a bound, a scrape while Redis is away waits in ioredis's offline queue until Redis is back; bounded, a
  // failed read is what the metrics count (newsflow_metrics_collect_errors_total) and the scrape goes without it.
  const collectTimeoutMs = options.collectTimeoutMs ?? 2000;
  const bounded = <T>(what: string, read: () => Promise<T>) => readRedisWithin(rt.redis.client, collectTimeoutMs, what, read);
  metrics.watch({
    // BullMQ's commands have no timeout of their own: each queue's job counts are read within the bound.
    queues: Object.fromEntries(
      Object.entries(queues).map(([name, q]) => [name, { getJobCounts: (...types: Parameters<Queue['getJobCounts']>) => bounded(`the job counts of ${name}`, () => q.getJobCounts(...types)) }]),
    ),
    pausedFeeds: () => bounded('the paused-feeds count', () => countPausedFeeds(rt.redis.client, rt.fetchRoot)),
    log,
  });

  const board = new ExpressAdapter().setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: [
      ...Object.values(rt.queues).map((q) => new BullMQAdapter(q)),
      // Retrying a letter here would only move it within a queue no worker reads: read-only.
      new BullMQAdapter(deadLetters, { readOnlyMode: true, description: 'jobs that failed for good, with their payloads' }),
    ],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'newsflow' } },
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(refuseForeignRequests({ loopbackHostsOnly: !token }));
  if (token) app.use(requireToken(token));
  app.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await checkReadiness({ redis: rt.redis.client, workers, pingTimeoutMs });
    res.status(r.ready ? 200 : 503).json(r.ready ? { status: 'ok' } : { status: 'unavailable', reasons: r.reasons });
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.render();
    res.type(contentType).send(body);
  });
  // The dashboard's API reads Redis through BullMQ without a bound: ask Redis first, so that while it is away the API
  // answers 503 at once instead of holding the request (and the browser's polling) until it is back.
  app.use(`${DASHBOARD_PATH}/api`, (_req, res, next) => {
    redisReason(rt.redis.client, pingTimeoutMs).then((reason) => {
      if (reason) res.status(503).json({ error: 'unavailable', reasons: [reason] });
      else next();
    }, next);
  });
  app.use(DASHBOARD_PATH, board.getRouter());
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found', routes: ['/livez', '/readyz', '/metrics', `${DASHBOARD_PATH}/`] });
  });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    log.error({ err }, 'admin request failed');
    res.status(500).json({ error: 'internal', message: err.message });
  });

  const server: Server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw err;
  }
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${bound}`;
  log.info({ url, auth: token ? 'bearer token' : 'none (loopback)' }, 'admin server listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port: bound,
    metrics,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}
