import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readableText, runDedupeCheck } from '../../../../src/commands/dedupe.js';
import { loadArticles } from '../../../fixtures/dedupe/eval-set.js';

const demo = resolve(fileURLToPath(import.meta.url), '../../../../../fixtures/demo/zh');
const dir = mkdtempSync(join(tmpdir(), 'newsflow-dedupe-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

describe('newsflow dedupe check', () => {
  const [a, b] = loadArticles('zh');

  it('compares a WeChat-style Markdown dump with an HTML repost of the same article', async () => {
    const markdown = write(
      'a.md',
      `---\ntitle: ${a!.title}\nurl: https://mp.weixin.qq.com/s/abc\n---\n\n![](https://img.example/qr.png)\n\n${a!.paragraphs.join('\n\n')}\n`,
    );
    const html = write(
      'b.html',
      `<html><head><title>x</title><script>var track = 1;</script></head><body><nav>首页 | 财经</nav><article>${a!.paragraphs
        .map((p) => `<p>${p}</p>`)
        .join('')}</article><footer>长按识别二维码关注</footer></body></html>`,
    );
    expect(JSON.parse(await runDedupeCheck(markdown, html))).toEqual({ similarity: 1, status: 'duplicate' });
    const repost = write(
      'c.html',
      `<html><body><div>来源：综合整理</div><div>编辑：小林</div>${a!.paragraphs.map((p) => `<p>${p}</p>`).join('')}<div>觉得有用就点个在看吧</div></body></html>`,
    );
    // The clean stage drops the repost's source, editor and call-to-action lines, so the texts are the same.
    expect(JSON.parse(await runDedupeCheck(markdown, repost))).toEqual({ similarity: 1, status: 'duplicate' });
  });

  it('gives the verdict of the pipeline on the demo repost under other page chrome: duplicate by content', async () => {
    const original = join(demo, '2247480001-1.html');
    const repost = join(demo, '2650000301-1.html');
    expect(JSON.parse(await runDedupeCheck(original, repost))).toEqual({ similarity: 1, status: 'duplicate' });
  });

  it('prints unique for different articles on the same topic', async () => {
    const out = JSON.parse(await runDedupeCheck(write('c.txt', a!.paragraphs.join('\n\n')), write('d.txt', b!.paragraphs.join('\n\n'))));
    expect(out.status).toBe('unique');
    expect(out.similarity).toBeLessThan(0.3);
  });

  it('reduces HTML to its visible text, without scripts, navigation and footers', () => {
    const text = readableText('<html><body><nav>Menu</nav><p>First  para.</p><script>x()</script><p>Second<br>line</p><footer>©</footer></body></html>');
    expect(text).toBe('First para.\n\nSecond\n\nline');
  });
});
