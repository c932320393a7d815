// pino JSON logs; pretty on a terminal. Secrets (passwords in URLs, tokens) never reach a log line.
import pino, { type Logger } from 'pino';

export type { Logger };

/** Replaces the password in any URL-looking string: redis://user:secret@host → redis://user:***@host. */
export function redactUrl(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, '$1***@');
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
    redact: {
      paths: ['*.password', '*.token', '*.authorization', 'headers.authorization', 'headers.cookie', 'config.admin.token'],
      censor: '***',
    },
    formatters: {
      log: (obj) => {
        for (const [k, v] of Object.entries(obj)) if (typeof v === 'string' && v.includes('://')) obj[k] = redactUrl(v);
        return obj;
      },
    },
    hooks: {
      logMethod(args, method) {
        const msg = args.findIndex((a) => typeof a === 'string');
        if (msg >= 0) args[msg] = redactUrl(args[msg] as string);
        method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname' } } });
  }
  return pino(base, pino.destination({ dest: 2, sync: false }));
}
