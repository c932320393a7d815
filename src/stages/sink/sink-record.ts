// The sink stage: hand each record to the output once; a record already written (a redelivered job) is dropped.
import type { SinkPayload } from '../../jobs/payloads.js';
import type { ArticleRecord } from '../../domain/record.js';
import type { StageContext, StageResult } from '../types.js';

export interface RecordOutput {
  /** Writes the record unless a record with the same id and pipeline version is already in the output. */
  write(record: ArticleRecord): Promise<{ written: boolean; file: string }>;
}

export async function sinkRecord(payload: SinkPayload, ctx: StageContext, deps: { output: RecordOutput }): Promise<StageResult> {
  const { written, file } = await deps.output.write(payload.record);
  if (!written) return { drop: 'already-written' };
  ctx.count('articles-written');
  ctx.count(`dedupe-${payload.record.dedupe.status}`);
  ctx.log.debug({ file }, 'record written');
  return { emit: [] };
}
