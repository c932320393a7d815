// The contract between a pure stage core and the worker shell that runs it.
import type { Logger } from 'pino';
import type { StageName } from '../jobs/names.js';

export interface StageContext {
  log: Logger;
  signal: AbortSignal;
  now: () => Date;
  /** Adds to a named counter of the current run (feeds fetched, items new, ...); shared across processes. */
  count: (name: string, by?: number) => void;
}

/** A job a stage asks the shell to enqueue; `id` is deterministic so a repeated emit creates nothing twice. */
export interface Emit {
  queue: StageName;
  id: string;
  payload: unknown;
}

/**
 * A stage either emits zero or more jobs, or drops its input with a reason (counted and logged, never silent).
 * `commit` runs only after the emitted jobs are safely enqueued: state that says "done" (items seen, validators
 * stored) is written there, so a crash in between repeats the work instead of losing it.
 */
export type StageResult = { emit: Emit[]; commit?: () => Promise<void> } | { drop: string };

export const emitNothing: StageResult = { emit: [] };
