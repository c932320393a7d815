// Reading the files a user names on the command line: a file that cannot be read is the user's to fix, so it is an
// InputError naming the path and the reason (Node leaves the path out of some errors, EISDIR among them).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InputError } from '../domain/errors.js';

/** What a file-system error code means to someone who named the path. */
export const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
};

function asInputError(file: string, err: unknown): unknown {
  const reason = FILE_ERRORS[(err as NodeJS.ErrnoException | null)?.code ?? ''];
  return reason ? new InputError(`${file}: ${reason}`, { cause: err }) : err;
}

/** The bytes of a file the user named. */
export async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw asInputError(file, err);
  }
}

/** The text of a file the user named, as UTF-8. */
export function readInputText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw asInputError(file, err);
  }
}
