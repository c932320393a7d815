// Access to the admin server: open on loopback, a bearer token everywhere else. Browsers get a Basic prompt whose
// password is the same token, so the queue dashboard can be opened directly.
import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { NextFunction, Request, Response } from 'express';
import { ConfigError } from '../config/load.js';

/** A configuration the admin server refuses to run with; the CLI prints it without a stack, like any ConfigError. */
export class AdminConfigError extends ConfigError {
  override name = 'AdminConfigError';
}

/** Whether an address to bind is reachable from this host only. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  const addr = ipaddr.process(bare);
  return addr.range() === 'loopback';
}

/** The token the server will require, or null; refuses to expose the server beyond loopback without one. */
export function requiredToken(host: string, token: string | null | undefined): string | null {
  if (token) return token;
  if (isLoopback(host)) return null;
  throw new AdminConfigError(
    `the admin server would listen on ${host} without a token; set admin.token (or NEWSFLOW_ADMIN_TOKEN), or bind it to 127.0.0.1`,
  );
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The credential a request presents: a bearer token, or the password of Basic credentials. */
export function presentedToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return value || null;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

/** Express middleware answering 401 unless the request carries the token (compared in constant time). */
export function requireToken(token: string) {
  const expected = digest(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = presentedToken(req.headers.authorization);
    if (given !== null && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    res
      .status(401)
      .set('www-authenticate', ['Bearer realm="newsflow admin"', 'Basic realm="newsflow admin", charset="UTF-8"'])
      .json({ error: 'unauthorized', reason: given === null ? 'a bearer token is required' : 'wrong token' });
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return null;
  }
}

/**
 * Refuses what a web page in the operator's browser could send: requests that change something from another
 * origin (the dashboard can clean and retry queues), and, on a server open to loopback without a token, requests
 * whose Host is not a loopback name (a DNS-rebinding page would otherwise be same-origin with it).
 */
export function refuseForeignRequests(options: { loopbackHostsOnly: boolean }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = hostnameOf(req.headers.host);
    if (options.loopbackHostsOnly && (host === null || !isLoopback(host))) {
      res.status(403).json({ error: 'forbidden', reason: `Host "${req.headers.host ?? ''}" is not a loopback name` });
      return;
    }
    const origin = req.headers.origin;
    if (!SAFE_METHODS.has(req.method) && origin !== undefined) {
      let sameOrigin = false;
      try {
        sameOrigin = new URL(origin).host === req.headers.host;
      } catch {
        sameOrigin = false;
      }
      if (!sameOrigin) {
        res.status(403).json({ error: 'forbidden', reason: 'cross-origin request refused' });
        return;
      }
    }
    next();
  };
}
