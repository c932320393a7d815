// An undici Agent whose every connection is checked against the SSRF guard: names are resolved through a lookup that
// drops refused addresses, and the address actually connected to is checked again before a byte is sent.
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { AddressGuard } from './address-guard.js';
import { FetchError } from './errors.js';

export interface GuardedAgentOptions {
  guard: AddressGuard;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  /** Connections kept per origin; politeness already bounds requests per host. */
  connections?: number;
  /** Name resolution (default dns.lookup); tests inject names that point inward. */
  resolve?: typeof dns.lookup;
}

function guardedLookup(guard: AddressGuard, resolve: typeof dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const ok = addresses.filter((a) => guard.check(hostname, a.address) === null);
      if (ok.length === 0) {
        const why = guard.check(hostname, addresses[0]?.address ?? '') ?? 'no address';
        return callback(new FetchError('ssrf-blocked', `refused to connect to ${hostname}: ${why}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, ok);
      const first = ok[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export function createGuardedAgent(opts: GuardedAgentOptions): Agent {
  const base = buildConnector({ timeout: opts.connectTimeoutMs, lookup: guardedLookup(opts.guard, opts.resolve ?? dns.lookup) });
  const connect: buildConnector.connector = (options, callback) => {
    base(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      const host = options.hostname.replace(/^\[|\]$/g, '');
      const address = socket.remoteAddress ?? '';
      const why = opts.guard.check(host, address);
      if (why) {
        socket.destroy();
        return callback(new FetchError('ssrf-blocked', `refused to connect to ${host}: ${why}`), null);
      }
      callback(null, socket);
    });
  };
  return new Agent({
    connect,
    headersTimeout: opts.headersTimeoutMs,
    bodyTimeout: opts.bodyIdleTimeoutMs,
    connections: opts.connections ?? 4,
  });
}
