// What a user sees when their input is wrong: one line naming the file and the place, exit code 2, no stack trace.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/newsflow.js');
const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NEWSFLOW_CONFIG: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

describe('newsflow on bad input', () => {
  const article = write('article.txt', '人工智能峰会在巴黎举行。');
  // Column 13 is the "(" that is never closed.
  const rules = write('rules.yaml', 'rules:\n  - id: ai\n    version: 1\n    query: "(人工智能 OR AI"\n');
  const config = write('config.yaml', 'classify:\n  rulesFile: rules.yaml\n');
  const labels = write('labels.jsonl', '{"text": "央行降息", "label": "finance"}\n{"text": 央行, "label": "finance"}\n');
  const twoLabels = write('two.jsonl', '{"text": "央行降息", "label": "finance"}\n{"text": "球队夺冠", "label": "sports"}\n');
  const notModel = write('model.json', '{"format": "something else"}\n');
  const notVectors = write('words.vec', '2 3\n央行 0.1 0.2 0.3\n球队 0.1 0.2\n');
  const badFeeds = write('feeds-tz.yaml', 'feeds:\n  - id: a\n    url: https://example.org/a.xml\n    cron: "0 7 * * *"\n    tz: Mars/Olympus\n');
  const opml = write('subs.opml', '<opml version="2.0"><body><outline text="A" xmlUrl="https://example.org/b.xml"/></body></opml>');

  it.each([
    ['a rule with a syntax error', ['classify', article, '--config', config], `${rules}:4:13: rule "ai": missing ")" to close "("`],
    ['a file that is not there', ['classify', path.join(dir, 'missing.txt')], `${path.join(dir, 'missing.txt')}: no such file or folder`],
    ['a folder where a file is expected', ['classify', dir], `${dir}: is a folder, not a file`],
    ['a folder for the labels file', ['model', 'train', '--in', dir, '--out', path.join(dir, 'm.json')], `${dir}: is a folder, not a file`],
    ['a labels line that is not JSON', ['model', 'train', '--in', labels, '--out', path.join(dir, 'out.json')], `${labels}:2: not JSON`],
    ['too few examples for the folds', ['model', 'eval', '--in', twoLabels, '--folds', '5'], '2 examples cannot make 5 folds'],
    ['a model file of another format', ['model', 'eval', '--in', twoLabels, '--model', notModel], `${notModel}: not a `],
    ['a word-vector file with a short line', ['model', 'train', '--in', twoLabels, '--out', path.join(dir, 'v.json'), '--vectors', notVectors], `${notVectors}: not a word2vec, fastText or GloVe vector file: line 3: 2 numbers, expected 3`],
    ['an unknown option', ['crawl', '--once', '--bogus'], "unknown option '--bogus'"],
    ['an option value that is not allowed', ['status', '--minutes', 'abc'], "option '--minutes <n>' argument 'abc' is invalid"],
    ['a required option left out', ['crawl'], "required option '--once' not specified"],
    ['config check of a config whose rule does not parse', ['config', 'check', '--config', config], `${rules}:4:13: rule "ai": missing ")" to close "("`],
    ['a vector weight that is not a number', ['model', 'eval', '--in', twoLabels, '--folds', '2', '--vectors', notVectors, '--vector-weight', 'high'], '--vector-weight must be above 0, got NaN'],
    ['an invalid feeds file, on OPML import', ['--feeds', badFeeds, 'feeds', 'import', opml], `${badFeeds}: feeds.0.tz: not a time zone: "Mars/Olympus"`],
    ['a file that is not OPML, on import', ['--feeds', path.join(dir, 'new-feeds.yaml'), 'feeds', 'import', config], `${config}: not an OPML document: no <opml> root element`],
    ['a page file that is not there, on extract', ['extract', path.join(dir, 'missing.html')], `${path.join(dir, 'missing.html')}: no such file or folder`],
  ])('%s: one line that says what and where, exit code 2', async (_case, args, expected) => {
    const { code, stdout, stderr } = await run(args);
    expect(stdout).toBe('');
    expect(stderr.slice(0, `newsflow: ${expected}`.length)).toBe(`newsflow: ${expected}`);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(2);
  }, 60_000);
});
