// Errors carry a kind that decides retry behaviour, and a short stable code for logs, metrics and dead letters.

export type ErrorKind = 'retryable' | 'permanent' | 'poison';

/**
 * A mistake in what the user gave: a config, rules or model file, a command's arguments, a file named on the
 * command line. Its message says what and where (file:line:column); the CLI prints it alone, without a stack.
 */
export class InputError extends Error {
  override name = 'InputError';
}

export class NewsflowError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Milliseconds the source asked us to wait (Retry-After), if any. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NewsflowError';
    this.kind = kind;
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export const retryable = (code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) =>
  new NewsflowError('retryable', code, message, options);
export const permanent = (code: string, message: string, options?: { cause?: unknown }) =>
  new NewsflowError('permanent', code, message, options);
export const poison = (code: string, message: string, options?: { cause?: unknown }) =>
  new NewsflowError('poison', code, message, options);

/** Anything that is not a NewsflowError is a bug or an unexpected failure: retry it, the shell dead-letters it at the end. */
export function describeError(err: unknown): { kind: ErrorKind; code: string; message: string } {
  if (err instanceof NewsflowError) return { kind: err.kind, code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'retryable', code: 'internal', message };
}
