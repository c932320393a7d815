// HTTPS goes through the same guarded connector: TLS failures map to a permanent error, inward targets are refused.
// Needs the openssl command to make a throwaway self-signed certificate; skipped without it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/infra/http/client.js';
import { FetchError } from '../../src/infra/http/errors.js';
import { testConfig } from './fetch-support.js';

function makeCert(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsflow-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = makeCert();
let server: Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  if (!tls) return;
  server = createServer(tls, (_req, res) => {
    hits++;
    res.end('<rss/>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  if (tls) await new Promise((resolve) => server.close(resolve));
});

describe.skipIf(!tls)('HTTPS through the guarded client', () => {
  it('fails permanently on an untrusted certificate', async () => {
    const client = createHttpClient(testConfig());
    try {
      const err = await client.get(`https://127.0.0.1:${port}/feed`, { purpose: 'feed' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchError);
      expect([(err as FetchError).code, (err as FetchError).kind]).toEqual(['net-tls', 'permanent']);
    } finally {
      await client.close();
    }
  });

  it('refuses an inward HTTPS target when the allow-list is empty, before any handshake', async () => {
    const client = createHttpClient(testConfig({ allowHosts: [] }));
    try {
      const err = await client.get(`https://127.0.0.1:${port}/feed`, { purpose: 'feed' }).catch((e: unknown) => e);
      expect((err as FetchError).code).toBe('ssrf-blocked');
      expect(hits).toBe(0);
    } finally {
      await client.close();
    }
  });
});
