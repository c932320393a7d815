// `newsflow jobs failed|retry`: the dead letters, listed and sent back to their stage.
import type { StageName } from '../jobs/names.js';
import { listDeadLetters, retryDeadLetters, type ListedLetter } from '../jobs/dead-letters.js';
import type { Runtime } from '../workers/runtime.js';
import { InputError } from '../domain/errors.js';

export function formatLetters(letters: ListedLetter[]): string {
  if (letters.length === 0) return 'no failed jobs';
  const rows = letters.map((l) => [l.id, l.stage, l.code, String(l.attemptsMade), l.failedAt, l.message.replace(/\s+/g, ' ').slice(0, 100)]);
  const head = ['ID', 'STAGE', 'CODE', 'ATTEMPTS', 'FAILED AT', 'MESSAGE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line), `${letters.length} failed job${letters.length === 1 ? '' : 's'}`].join('\n');
}

export async function jobsFailed(rt: Runtime, options: { stage?: StageName; json?: boolean }): Promise<string> {
  const letters = await listDeadLetters(rt.deadLetters, options.stage);
  return options.json ? JSON.stringify(letters, null, 2) : formatLetters(letters);
}

export async function jobsRetry(rt: Runtime, options: { ids: string[]; all?: boolean; stage?: StageName }): Promise<string> {
  if (!options.all && options.ids.length === 0) throw new InputError('name the dead letters to retry, or pass --all');
  const sent = await retryDeadLetters(rt.deadLetters, rt.queues, { ...(options.all ? {} : { ids: options.ids }), ...(options.stage ? { stage: options.stage } : {}) });
  return sent.length === 0 ? 'nothing to retry' : `sent ${sent.length} job${sent.length === 1 ? '' : 's'} back: ${sent.map((l) => `${l.stage}/${l.jobId}`).join(', ')}`;
}
