import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, journalsDrop, type JournalEntry } from '../../../src/infra/journal.js';

function entry(articleId: string, fetchedAt: string, extra: Partial<JournalEntry> = {}): JournalEntry {
  return { articleId, feedId: 'f1', fetchedAt, payload: { articleId, note: extra.dropped ?? 'ok' }, ...extra };
}

/** A journal dir with files written as the writers named would have written them. */
function journalWith(files: Record<string, Array<JournalEntry | string>>): Journal {
  const root = mkdtempSync(path.join(tmpdir(), 'newsflow-journal-'));
  mkdirSync(path.join(root, 'clean'));
  for (const [name, lines] of Object.entries(files)) {
    const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
    writeFileSync(path.join(root, 'clean', name), `${text}\n`);
  }
  return new Journal(root);
}

describe('journal', () => {
  it('journals drops that judge the content, not those that say the work was done already', () => {
    expect(journalsDrop('empty-text')).toBe(true);
    expect(journalsDrop('already-written')).toBe(false);
  });

  it('reads back what was appended, with the reason of a drop', async () => {
    const journal = new Journal(mkdtempSync(path.join(tmpdir(), 'newsflow-journal-')));
    await journal.append('clean', entry('a', '2025-02-12T09:00:00.000Z', { dropped: 'empty-text' }));
    await journal.append('clean', entry('b', '2025-02-12T08:00:00.000Z'));
    const selection = await journal.select('clean');
    expect([selection.count, selection.dropped]).toEqual([2, 1]);
    expect(await journal.read('clean')).toEqual([entry('b', '2025-02-12T08:00:00.000Z'), entry('a', '2025-02-12T09:00:00.000Z', { dropped: 'empty-text' })]);
  });

  it('keeps the last entry of each article, across writers and days, in fetch order', async () => {
    const journal = journalWith({
      '2025-02-11.host-1.jsonl': [entry('x', '2025-02-11T10:00:00Z'), entry('y', '2025-02-11T09:00:00Z', { dropped: 'empty-text' })],
      // A retried job on another host, and the same page re-ingested a day later, which now has text.
      '2025-02-11.host-2.jsonl': [entry('x', '2025-02-11T10:00:00Z', { payload: { retried: true } })],
      '2025-02-12.host-1.jsonl': [entry('z', '2025-02-12T01:00:00Z'), entry('y', '2025-02-12T00:30:00Z')],
    });
    const entries = await journal.read('clean');
    expect(entries.map((e) => [e.articleId, e.fetchedAt, e.dropped ?? null])).toEqual([
      ['x', '2025-02-11T10:00:00Z', null],
      ['y', '2025-02-12T00:30:00Z', null],
      ['z', '2025-02-12T01:00:00Z', null],
    ]);
    expect(entries[0]!.payload).toEqual({ retried: true });
    expect((await journal.select('clean')).dropped).toBe(0);
  });

  it('a drop recorded last supersedes what came before', async () => {
    const journal = journalWith({
      '2025-02-11.host-1.jsonl': [entry('x', '2025-02-11T10:00:00Z'), entry('x', '2025-02-11T10:00:00Z', { dropped: 'empty-text' })],
    });
    expect((await journal.read('clean')).map((e) => e.dropped)).toEqual(['empty-text']);
    expect((await journal.select('clean')).dropped).toBe(1);
  });

  it('filters by day and feed before choosing the last entry, and skips a torn line', async () => {
    const journal = journalWith({
      '2025-02-10.host-1.jsonl': [entry('old', '2025-02-10T10:00:00Z')],
      '2025-02-11.host-1.jsonl': [
        entry('a', '2025-02-11T10:00:00Z'),
        entry('a', '2025-02-11T10:00:00Z', { feedId: 'f2' }),
        entry('b', '2025-02-11T11:00:00Z'),
        JSON.stringify(entry('b', '2025-02-11T11:00:00Z', { dropped: 'empty-text' })).slice(0, 40),
      ],
      '2025-02-13.host-1.jsonl': [entry('late', '2025-02-13T10:00:00Z')],
    });
    const selection = await journal.select('clean', { since: '2025-02-11', until: '2025-02-12', feedId: 'f1' });
    const entries: JournalEntry[] = [];
    for await (const e of selection) entries.push(e);
    expect(selection.count).toBe(2);
    expect(entries.map((e) => [e.articleId, e.feedId, e.dropped ?? null])).toEqual([
      ['a', 'f1', null],
      ['b', 'f1', null],
    ]);
  });

  it('an entry appended after the selection was made is left for the next replay', async () => {
    const journal = journalWith({ '2025-02-11.host-1.jsonl': [entry('a', '2025-02-11T10:00:00Z')] });
    const selection = await journal.select('clean');
    appendFileSync(path.join(journal.root, 'clean', '2025-02-11.host-1.jsonl'), `${JSON.stringify(entry('b', '2025-02-11T11:00:00Z'))}\n`);
    const ids: string[] = [];
    for await (const e of selection) ids.push(e.articleId);
    expect(ids).toEqual(['a']);
    expect(selection.count).toBe(1);
  });

  it('an empty or missing journal selects nothing', async () => {
    const journal = new Journal(path.join(tmpdir(), 'newsflow-journal-missing'));
    const selection = await journal.select('dedupe');
    expect(selection.count).toBe(0);
    expect(await journal.read('dedupe')).toEqual([]);
  });
});
