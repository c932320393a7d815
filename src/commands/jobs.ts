// `newsflow jobs failed|retry`: the dead letters, listed and sent back to their stage.
import type { StageName } from '../jobs/names.js';
import { listDeadLetters, selectDeadLetters, sendBackDeadLetters, type ListedLetter } from '../jobs/dead-letters.js';
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

/**
 * Sends dead letters back. Ids that name no letter (a typo, one retried already) stop the command before anything is
 * sent, even when other ids match: a partial retry would either hide the mistake behind exit 0 or leave the user to
 * work out which half was done; a letter keeps until it is retried, so running again with the ids fixed loses nothing.
 */
export async function jobsRetry(rt: Runtime, options: { ids: string[]; all?: boolean; stage?: StageName }): Promise<string> {
  if (!options.all && options.ids.length === 0) throw new InputError('name the dead letters to retry, or pass --all');
  const { letters, unknown } = await selectDeadLetters(rt.deadLetters, { ...(options.all ? {} : { ids: options.ids }), ...(options.stage ? { stage: options.stage } : {}) });
  if (unknown.length > 0) {
    const named = unknown.map((id) => `"${id}"`).join(', ');
    const where = options.stage ? ` of stage ${options.stage}` : '';
    const s = unknown.length === 1 ? '' : 's';
    throw new InputError(`no dead letter${s}${where} with id${s} ${named}; nothing was sent back (\`newsflow jobs failed\` lists the ids)`);
  }
  const sent = await sendBackDeadLetters(rt.deadLetters, rt.queues, letters);
  return sent.length === 0 ? 'nothing to retry' : `sent ${sent.length} job${sent.length === 1 ? '' : 's'} back: ${sent.map((l) => `${l.stage}/${l.jobId}`).join(', ')}`;
}
