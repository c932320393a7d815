// Journals of stage inputs, so a replay can run stages again without fetching anything anew: every payload a stage
// accepted, one JSON line each, in `<root>/<stage>/YYYY-MM-DD.<host>-<pid>.jsonl` (the UTC day of the article's
// fetch). One file per process, so writers on several hosts never interleave lines; a retried job may appear twice,
// and readers keep the last entry of each article.
import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

export type JournalStage = 'clean' | 'classify' | 'dedupe';

export interface JournalEntry {
  articleId: string;
  feedId: string | null;
  fetchedAt: string;
  payload: Record<string, unknown>;
}

export class Journal {
  private readonly writerId = `${hostname()}-${process.pid}`;

  constructor(readonly root: string) {}

  async append(stage: JournalStage, entry: JournalEntry): Promise<void> {
    const dir = path.join(this.root, stage);
    await mkdir(dir, { recursive: true });
    const day = new Date(entry.fetchedAt).toISOString().slice(0, 10);
    await appendFile(path.join(dir, `${day}.${this.writerId}.jsonl`), `${JSON.stringify(entry)}\n`);
  }

  /** Entries of a stage within [since, until] (days, inclusive), optionally of one feed; the last per article wins. */
  async read(stage: JournalStage, filter: { since?: string; until?: string; feedId?: string } = {}): Promise<JournalEntry[]> {
    const dir = path.join(this.root, stage);
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^\d{4}-\d{2}-\d{2}\..+\.jsonl$/.test(f)).sort();
    const byArticle = new Map<string, JournalEntry>();
    for (const file of files) {
      const day = file.slice(0, 10);
      if ((filter.since && day < filter.since) || (filter.until && day > filter.until)) continue;
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        if (!line) continue;
        let entry: JournalEntry;
        try {
          entry = JSON.parse(line) as JournalEntry;
        } catch {
          continue; // a torn last line of a process that died mid-write
        }
        if (filter.feedId && entry.feedId !== filter.feedId) continue;
        byArticle.delete(entry.articleId);
        byArticle.set(entry.articleId, entry);
      }
    }
    return [...byArticle.values()].sort((a, b) => a.fetchedAt.localeCompare(b.fetchedAt) || a.articleId.localeCompare(b.articleId));
  }
}
