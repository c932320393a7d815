import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../src/commands/ingest.js';
import { ArticleRecordSchema, type ArticleRecord } from '../../src/domain/record.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const CHROME = ['微信扫一扫', '预览时标签不可点', '继续滑动看下一个', '轻触阅读原文', '长按识别二维码', '关注该公众号'];
const SEED = path.resolve(__dirname, '../../../shared/seeds/000_a5968943db43bf25.txt');

let rt: TestRuntime;
beforeAll(async () => {
  rt = await openTestRuntime('ingest');
});
afterAll(async () => {
  await rt.dispose();
});

function readRecords(dir: string): ArticleRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => ArticleRecordSchema.parse(JSON.parse(l)));
}

const dump = (body: string) => `---
title: 城市内涝预警系统上线
url: https://mp.weixin.qq.com/s?__biz=MzI0MDAwMDAwMQ==&mid=2247480001&idx=1&sn=5e1c9a07&chksm=a1b2&scene=21#rd
source: 城市观察站
date: 2025-02-12
fetch_date: 2025-02-13T08:00:00
---

# 城市内涝预警系统上线

原创

周明

城市观察站

![](https://mmbiz.qpic.cn/example/640?wx_fmt=png)

${body}

预览时标签不可点

微信扫一扫
关注该公众号

继续滑动看下一个

轻触阅读原文
`;

const BODY = `江城市应急管理局近日上线了一套人工智能内涝预警系统，把全市一千多个积水监测点和气象雷达的数据汇总到同一个平台，每五分钟更新一次风险地图。

系统的核心是一个降雨径流预测模型，用过去十年的降雨和积水记录训练，能够提前两小时估算主要路段的积水深度，试运行期间的准确率达到百分之八十七。

专家提醒，老城区监测点偏少、地下管网资料缺失，极端暴雨时的预测仍有较大误差，技术手段不能替代排水设施的改造。`;

describe('ingest through the real queues', () => {
  it('writes one clean, labelled record for a Markdown dump saved twice under URL variants, with no page chrome', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-dumps-'));
    writeFileSync(path.join(dir, 'a.md'), dump(BODY));
    // The same article saved by another archiver under the URL's tracking-parameter variant.
    writeFileSync(path.join(dir, 'b.md'), dump(BODY).replace('&chksm=a1b2&scene=21#rd', '&scene=58&subscene=0'));
    const summary = await ingestFiles(rt, [dir]);
    expect(summary.counts['articles-written']).toBe(1);
    const records = readRecords(rt.outDir);
    expect(records).toHaveLength(1);
    const [r] = records;
    expect(r!.title).toBe('城市内涝预警系统上线');
    expect(r!.lang).toBe('zh');
    expect(r!.publishedAt?.startsWith('2025-02-12')).toBe(true);
    expect(r!.canonicalUrl).toMatch(/^https:\/\/mp\.weixin\.qq\.com\/s\?__biz=.*&mid=2247480001&idx=1&sn=5e1c9a07$/);
    expect(r!.text).toContain('降雨径流预测模型');
    expect(r!.text).toContain('技术手段不能替代排水设施的改造');
    for (const s of CHROME) expect(r!.text).not.toContain(s);
    expect(r!.dedupe.status).toBe('unique');
  });

  it('writes an edited dump at the same URL as an update of the first version, and the same dump again not at all', async () => {
    const other = await openTestRuntime('ingest-edit');
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'nf-dumps-'));
      const file = path.join(dir, 'a.md');
      writeFileSync(file, dump(BODY));
      await ingestFiles(other, [file]);
      expect((await ingestFiles(other, [file])).counts['articles-written'] ?? 0).toBe(0);
      writeFileSync(file, dump(`${BODY}\n\n更正：文中监测点数量已更新为一千二百个。`));
      expect((await ingestFiles(other, [file])).counts['articles-written']).toBe(1);
      const [first, edit] = readRecords(other.outDir);
      expect(edit!.canonicalUrl).toBe(first!.canonicalUrl);
      expect(edit!.text).toContain('更正');
      expect(edit!.dedupe).toMatchObject({ status: 'near-duplicate', reason: 'url-update', updateOf: first!.id });
    } finally {
      await other.dispose();
    }
  });

  it.skipIf(!existsSync(SEED))('ingests the founding seed article as the issue describes', async () => {
    const other = await openTestRuntime('ingest-seed');
    try {
      const summary = await ingestFiles(other, [SEED]);
      expect(summary.counts.errors ?? 0).toBe(0);
      const records = readRecords(other.outDir);
      expect(records).toHaveLength(1);
      const r = records[0]!;
      expect(r.title).toBe('【深度解局】法国AI行动峰会！法印联盟竟想掀翻中美牌桌？');
      expect(r.publishedAt?.slice(0, 10)).toBe('2025-02-12');
      expect(r.lang).toBe('zh');
      expect(r.text).toContain('法国当地时间2月10日-11日，由法国主办的人工智能行动峰会将在巴黎大皇宫举行。');
      expect(r.text).toContain('同时，就业结构的剧变也会导致社会阶层的分化加剧');
      for (const s of [...CHROME, '知识星球', '哪吒电影']) expect(r.text).not.toContain(s);
    } finally {
      await other.dispose();
    }
  });
});
