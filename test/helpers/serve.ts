// `newsflow serve` as a separate process, as operators run it, for tests of the service.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

export const BIN = path.resolve(__dirname, '../../bin/newsflow.js');

export interface ServeFiles {
  dir: string;
  feedsFile: string;
  configFile: string;
}

/**
 * A fresh data dir holding a feeds file with `feeds` and a config file with `config` plus `dataDir` and `feedsFile`
 * pointing there: what `newsflow serve --config` needs.
 */
export function writeServeFiles(name: string, feeds: unknown[], config: Record<string, unknown>): ServeFiles {
  const dir = mkdtempSync(path.join(tmpdir(), `nf-${name}-`));
  const feedsFile = path.join(dir, 'feeds.yaml');
  writeFileSync(feedsFile, YAML.stringify({ feeds }));
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, YAML.stringify({ dataDir: dir, feedsFile, ...config }));
  return { dir, feedsFile, configFile };
}

export interface ServeProcess {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (its JSON log lines). */
  logs(): string;
}

export function spawnServe(configFile: string, args: string[] = [], options: { cwd?: string } = {}): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--config', configFile], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let logs = '';
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  return { child, logs: () => logs };
}

/** SIGTERM to each process still running, and wait for it to exit; returns the exit codes. */
export async function stopServe(procs: readonly ServeProcess[]): Promise<Array<number | null>> {
  return Promise.all(
    procs.map(async ({ child }) => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    }),
  );
}
