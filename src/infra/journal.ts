// Journals of stage inputs, so a replay can run stages again without fetching anything anew: every payload a stage
// accepted or dropped for its content, one JSON line each, in `<root>/<stage>/YYYY-MM-DD.<host>-<pid>.jsonl` (the
// UTC day of the article's fetch). One file per process, so writers on several hosts never interleave lines; a
// retried job may appear twice, and readers keep the last entry of each article.
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export type JournalStage = 'clean' | 'classify' | 'dedupe';

export interface JournalEntry {
  articleId: string;
  feedId: string | null;
  fetchedAt: string;
  /** The reason the stage dropped this input, if it did: no record came of it, but a replay may yet make one. */
  dropped?: string;
  payload: Record<string, unknown>;
}

export interface JournalFilter {
  /** First and last UTC day of the fetch (YYYY-MM-DD), inclusive. */
  since?: string | undefined;
  until?: string | undefined;
  feedId?: string | undefined;
}

/** The entries a filter selects, read from the files again as they are iterated, in fetch order. */
export interface JournalSelection extends AsyncIterable<JournalEntry> {
  /** How many entries the iteration yields (articles, the last entry of each). */
  count: number;
  /** How many of them are inputs the stage dropped. */
  dropped: number;
}

/**
 * Whether a stage's drop of its input is journaled. A drop that judges the content under the settings of the day
 * (`empty-text`: extraction found no article text) is: a new site rule or threshold may make an article of it, and a
 * replay is how that happens. A drop that says the work was done already (`already-…`, as the sink's
 * `already-written`: a redelivered job whose record exists) is not: the input was journaled by the delivery that
 * did the work, and an entry marked dropped would supersede that one, since the last entry of an article wins.
 * Duplicates are not dropped at all (dedupe passes them on, marked), so they are journaled as any article is and a
 * `--dedupe fresh` replay judges them anew.
 */
export function journalsDrop(reason: string): boolean {
  return !reason.startsWith('already-');
}

const JOURNAL_FILE = /^\d{4}-\d{2}-\d{2}\..+\.jsonl$/;

/** Room for line numbers in a file, in the positions that tell which line of which file holds an article's last entry. */
const LINES_PER_FILE = 2 ** 32;

function parseEntry(line: string): JournalEntry | null {
  if (!line) return null;
  try {
    return JSON.parse(line) as JournalEntry;
  } catch {
    return null; // a torn last line of a process that died mid-write
  }
}

/** The lines of a file as they are read, without holding the file in memory. */
async function* linesOf(file: string): AsyncGenerator<string> {
  const stream = createReadStream(file, 'utf8');
  try {
    yield* createInterface({ input: stream, crlfDelay: Infinity });
  } finally {
    stream.destroy();
  }
}

const inFetchOrder = (a: JournalEntry, b: JournalEntry) => a.fetchedAt.localeCompare(b.fetchedAt) || a.articleId.localeCompare(b.articleId);

export class Journal {
  private readonly writerId = `${hostname()}-${process.pid}`;

  constructor(readonly root: string) {}

  async append(stage: JournalStage, entry: JournalEntry): Promise<void> {
    const dir = path.join(this.root, stage);
    await mkdir(dir, { recursive: true });
    const day = new Date(entry.fetchedAt).toISOString().slice(0, 10);
    await appendFile(path.join(dir, `${day}.${this.writerId}.jsonl`), `${JSON.stringify(entry)}\n`);
  }

  /**
   * Entries of a stage within the filter's days, optionally of one feed; the last per article wins. A first pass
   * notes where each article's last entry stands (its id and a number, in memory); iterating reads the files again
   * and holds one day's entries at a time, so a replay of months never has the whole corpus in memory.
   */
  async select(stage: JournalStage, filter: JournalFilter = {}): Promise<JournalSelection> {
    const dir = path.join(this.root, stage);
    const files = (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => JOURNAL_FILE.test(f))
      .sort()
      .filter((f) => !(filter.since && f.slice(0, 10) < filter.since) && !(filter.until && f.slice(0, 10) > filter.until))
      .map((f) => path.join(dir, f));
    /** Calls `visit` with every entry of a file the filter keeps, and its position among all files' lines. */
    const scan = async (index: number, visit: (entry: JournalEntry, position: number) => void) => {
      let line = 0;
      for await (const text of linesOf(files[index]!)) {
        const position = index * LINES_PER_FILE + line++;
        const entry = parseEntry(text);
        if (entry && !(filter.feedId && entry.feedId !== filter.feedId)) visit(entry, position);
      }
    };
    const last = new Map<string, number>();
    const dropped = new Set<string>();
    for (let i = 0; i < files.length; i++) {
      await scan(i, (entry, position) => {
        last.set(entry.articleId, position);
        if (entry.dropped) dropped.add(entry.articleId);
        else dropped.delete(entry.articleId);
      });
    }
    return {
      count: last.size,
      dropped: dropped.size,
      [Symbol.asyncIterator]: async function* () {
        // Files sort by day first, and an entry's day is its fetch's: a day's files hold all its entries.
        for (let i = 0; i < files.length; ) {
          const day = path.basename(files[i]!).slice(0, 10);
          const entries: JournalEntry[] = [];
          for (; i < files.length && path.basename(files[i]!).startsWith(day); i++) {
            await scan(i, (entry, position) => {
              if (last.get(entry.articleId) === position) entries.push(entry);
            });
          }
          yield* entries.sort(inFetchOrder);
        }
      },
    };
  }

  /** All entries of `select` at once, in memory: for small journals. */
  async read(stage: JournalStage, filter: JournalFilter = {}): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    for await (const entry of await this.select(stage, filter)) entries.push(entry);
    return entries;
  }
}
