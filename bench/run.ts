// `npm run bench -- <name> [options]`: runs one benchmark (or all, in turn). Each prints its figures and ratios
// against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES: Record<string, string> = {
  fetch: 'fetch.ts',
  extraction: 'extraction.ts',
  classify: 'classify.ts',
  lang: 'lang.ts',
  dedupe: 'dedupe.ts',
  admin: 'admin.ts',
  hostile: 'hostile.ts',
};

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const names = !name || name === 'all' ? Object.keys(BENCHES) : [name];
for (const n of names) {
  const file = BENCHES[n];
  if (!file) {
    console.error(`unknown benchmark "${n}"; expected one of: ${Object.keys(BENCHES).join(', ')}, all`);
    process.exit(2);
  }
  console.log(`\n=== bench ${n} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, file), ...(name === n ? rest : [])], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
