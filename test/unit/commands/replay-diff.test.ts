import { describe, expect, it } from 'vitest';
import { diffRecords } from '../../../src/commands/replay.js';
import { articleRecord } from '../../helpers/record.js';

const record = articleRecord;

describe('diffRecords', () => {
  it('counts what the stages changed, not the version or a later fetch of the same input', () => {
    const before = new Map([record('a'), record('b'), record('c')].map((r) => [r.id, r]));
    const after = [
      // Fetched again unchanged (crawl --force) after its record was written, under another pipeline version.
      record('a', { fetchedAt: '2025-02-14T09:00:00.000Z', pipelineVersion: '0.1.0+other' }),
      record('b', { rules: [{ rule: 'r', version: '1', hits: [] }] }),
      record('d'),
    ];
    const diff = diffRecords(before, after, new Set(['d']));
    expect(diff).toMatchObject({ changed: 1, fresh: 0, recovered: 1 });
    expect(diff.fields.map((f) => [f.field, f.changed])).toEqual([['rules', 1]]);
  });
});
