// Secrets never reach a log line: Redis passwords in URLs and admin tokens, wherever they sit in what is logged.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger, redactUrl } from '../../../src/infra/logger.js';

const PASSWORD = 's3cr3t-redis-pass';
const TOKEN = 'admin-token-9f8e7d6c5b4a3210';

/** A logger writing JSON lines into memory, as it writes them to stderr. */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: 'info', pretty: false, destination });
  return { log, text: () => lines.join('\n'), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('log redaction', () => {
  it('replaces the password of a URL', () => {
    expect(redactUrl(`redis://default:${PASSWORD}@redis.internal:6379/0`)).toBe('redis://default:***@redis.internal:6379/0');
    expect(redactUrl(`rediss://:${PASSWORD}@h:6380`)).toBe('rediss://:***@h:6380');
    expect(redactUrl('https://example.org/a?b=c')).toBe('https://example.org/a?b=c');
  });

  it('keeps Redis passwords and tokens out of every place a log line can carry them', () => {
    const { log, text, records } = capture();
    const url = `redis://default:${PASSWORD}@redis.internal:6379`;
    const config = structuredClone(loadConfig({ env: { REDIS_URL: url, NEWSFLOW_ADMIN_TOKEN: TOKEN } }).config);
    expect(config.admin.token).toBe(TOKEN);

    log.info({ url }, 'top-level field');
    log.info(`connecting to ${url}`);
    log.info({ config }, 'whole config, nested');
    log.info({ token: TOKEN, password: PASSWORD }, 'top-level secret keys');
    log.info({ req: { headers: { authorization: `Bearer ${TOKEN}`, cookie: `t=${TOKEN}` } } }, 'request headers');
    log.warn({ err: new Error(`Redis does not answer at ${url}`) }, 'error message');
    log.child({ stage: 'fetch-feed', feedId: 'harbor-world', redisUrl: url }).child({ jobId: 'j1', token: TOKEN }).info('child bindings');
    log.info({ attempts: [{ target: url }] }, 'inside an array');

    const out = text();
    expect(records()).toHaveLength(8);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(TOKEN);
    // What is not secret stays readable.
    expect(out).toContain('redis://default:***@redis.internal:6379');
    const err = records()[5]!.err as { message: string; type: string };
    expect(err.type).toBe('Error');
    expect(err.message).toBe('Redis does not answer at redis://default:***@redis.internal:6379');
    expect((records()[2]!.config as { redis: { prefix: string } }).redis.prefix).toBe('newsflow');
    expect(records()[6]).toMatchObject({ stage: 'fetch-feed', feedId: 'harbor-world', jobId: 'j1', token: '***', redisUrl: 'redis://default:***@redis.internal:6379' });
  });
});
