// Dead letters: a job that failed for good (attempts used up, a permanent error, or an invalid payload) is kept
// with its original payload, stage, error code and message in a queue no worker consumes, until a user retries it.
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { STAGES, type StageName } from './names.js';
import { keyRoot, type Queues } from './queues.js';

export const DEAD_LETTER_QUEUE = 'dead-letter';

export const DeadLetterSchema = z.object({
  stage: z.enum(STAGES),
  jobId: z.string(),
  payload: z.unknown(),
  code: z.string(),
  message: z.string(),
  attemptsMade: z.number().int(),
  failedAt: z.string(),
  /** How often this payload was sent back already. */
  retries: z.number().int().default(0),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export function createDeadLetterQueue(connection: Redis, prefix: string): Queue {
  return new Queue(DEAD_LETTER_QUEUE, { connection, prefix: keyRoot(prefix) });
}

const letterId = (stage: string, jobId: string) => `${stage}--${jobId}`;

export async function addDeadLetter(dlq: Queue, job: Job, stage: StageName, error: { code: string; message: string }): Promise<void> {
  const previous = typeof (job.data as { __retries?: unknown }).__retries === 'number' ? (job.data as { __retries: number }).__retries : 0;
  const { __retries: _, ...payload } = job.data as Record<string, unknown>;
  const letter: DeadLetter = {
    stage,
    jobId: job.id ?? 'unknown',
    payload,
    code: error.code,
    message: error.message,
    attemptsMade: job.attemptsMade,
    failedAt: new Date().toISOString(),
    retries: previous,
  };
  // The letter's id is the job's, so a failure reported twice files one letter.
  await dlq.add(stage, letter, { jobId: letterId(stage, letter.jobId), removeOnComplete: true, removeOnFail: true });
}

export interface ListedLetter extends DeadLetter {
  id: string;
}

export async function listDeadLetters(dlq: Queue, stage?: StageName): Promise<ListedLetter[]> {
  const jobs = await dlq.getJobs(['waiting', 'prioritized', 'delayed'], 0, -1, true);
  return jobs
    .map((j) => ({ id: j.id!, ...DeadLetterSchema.parse(j.data) }))
    .filter((l) => !stage || l.stage === stage)
    .sort((a, b) => a.failedAt.localeCompare(b.failedAt));
}

/** The letters `select` names (by letter id or original job id; every letter without ids), and the ids that name none. */
export async function selectDeadLetters(dlq: Queue, select: { ids?: string[]; stage?: StageName }): Promise<{ letters: ListedLetter[]; unknown: string[] }> {
  const listed = await listDeadLetters(dlq, select.stage);
  const ids = select.ids;
  if (!ids) return { letters: listed, unknown: [] };
  const letters = listed.filter((l) => ids.includes(l.id) || ids.includes(l.jobId));
  const unknown = [...new Set(ids)].filter((id) => !letters.some((l) => l.id === id || l.jobId === id));
  return { letters, unknown };
}

/** Sends letters back to their stage under a new job id (the old one may still sit in the failed set). */
export async function sendBackDeadLetters(dlq: Queue, queues: Queues, letters: ListedLetter[]): Promise<ListedLetter[]> {
  for (const letter of letters) {
    const retries = letter.retries + 1;
    const payload = { ...(letter.payload as Record<string, unknown>), __retries: retries };
    await queues[letter.stage].add(letter.stage, payload, { jobId: `${letter.jobId}-retry${retries}` });
    await dlq.remove(letter.id);
  }
  return letters;
}
