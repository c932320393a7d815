// pino JSON logs; pretty on a terminal. Secrets (passwords in URLs, tokens) never reach a log line.
import pino, { type Logger } from 'pino';

export type { Logger };

/** Replaces the password in any URL-looking string: redis://user:secret@host → redis://user:***@host. */
export function redactUrl(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, '$1***@');
}

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY = /^(password|passwd|pass|token|secret|authorization|proxy-authorization|cookie|set-cookie|api[-_]?key)$/i;
const MAX_DEPTH = 8;

/**
 * A copy of a logged value with secrets masked at any depth: values under secret keys, passwords in URLs, and the
 * message and stack of errors. pino's `redact` needs fixed paths; secrets turn up anywhere (a whole config, an
 * error from the Redis client, a child logger's bindings), so every value is walked. The caller's objects are
 * never changed.
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('://') ? redactUrl(value) : value;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return scrubSecrets(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value) || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? '***' : scrubSecrets(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Pretty-print for humans; defaults to whether stderr is a terminal. */
  pretty?: boolean;
  /** Where JSON lines go; defaults to stderr so stdout stays for command output. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { pid: process.pid },
    formatters: {
      log: (obj) => scrubSecrets(obj) as Record<string, unknown>,
      bindings: (bindings) => scrubSecrets(bindings) as pino.Bindings,
    },
    // Errors arrive here already serialized and scrubbed by the log formatter; serialize any that did not.
    serializers: { err: (e: unknown) => (e instanceof Error ? scrubSecrets(e) : e) },
    hooks: {
      logMethod(args, method) {
        // The message and any printf-style arguments.
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = redactUrl(args[i] as string);
        method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  const logger = options.destination
    ? pino(base, options.destination)
    : pretty
      ? pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname' } } })
      : pino(base, pino.destination({ dest: 2, sync: false }));
  return scrubChildBindings(logger);
}

/** pino skips `formatters.bindings` for child loggers; children inherit `child` from their parent, so one wrapper covers all. */
function scrubChildBindings(logger: Logger): Logger {
  type ChildFn = (this: Logger, bindings: pino.Bindings, opts?: pino.ChildLoggerOptions) => Logger;
  const child = logger.child as unknown as ChildFn;
  const scrubbing: ChildFn = function (bindings, opts) {
    return child.call(this, scrubSecrets(bindings) as pino.Bindings, opts);
  };
  logger.child = scrubbing as unknown as Logger['child'];
  return logger;
}
