// Entry point: parse arguments → load config → run one command. Errors a user can fix are printed without a stack.
import { constants as osConstants } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig, loadFeeds, type LoadOptions } from './config/load.js';
import { InputError, NewsflowError } from './domain/errors.js';
import { RedisUnavailableError } from './infra/redis.js';
import { openRuntime, type Runtime } from './workers/runtime.js';
import { crawlOnce } from './commands/crawl.js';
import { ingestFiles } from './commands/ingest.js';
import { runDemo } from './commands/demo.js';
import { serve } from './commands/serve.js';
import { formatSummary, type RunSummary } from './commands/summary.js';
import { collectStatus } from './commands/status.js';
import { formatStatus } from './admin/format-status.js';
import { PACKAGE_VERSION } from './workers/runtime.js';
import { jobsFailed, jobsRetry } from './commands/jobs.js';
import { pruneStore } from './infra/raw-store.js';
import { runExtract } from './commands/extract.js';
import { runClassify } from './commands/classify.js';
import { modelEval, modelTrain, type VectorArgs } from './commands/model.js';
import { DEFAULT_VECTOR_WEIGHT, MODEL_TYPES, type ModelType } from './stages/classify/model/text-model.js';
import { DEFAULT_VECTOR_LIMIT } from './stages/classify/model/word-vectors.js';
import { runDedupeCheck } from './commands/dedupe.js';
import { exportOpml, importOpml, resumeFeeds, runFetch, runParseFeed } from './commands/feeds.js';
import { syncSchedules } from './jobs/schedules.js';
import { DEFAULT_MAX_PENDING, formatReplay, progressReporter, replay, type ReplayReport } from './commands/replay.js';
import { createLogger } from './infra/logger.js';
import { STAGES, type StageName } from './jobs/names.js';
import { FILE_ERRORS } from './commands/read-input.js';
import { loadClassifier } from './stages/classify/classifier.js';

const stageOption = () => new Option('--stage <stage>', 'only this stage').choices(STAGES);

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function loadOptions(cmd: Command): LoadOptions {
  const o = cmd.optsWithGlobals<{ config?: string; feeds?: string }>();
  return { configPath: o.config, feedsPath: o.feeds };
}

function parseMinutes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1440) throw new InvalidArgumentError('a whole number of minutes from 1 to 1440');
  return n;
}

function parseJobCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('a whole number of jobs from 1 to 1000000');
  return n;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port number from 0 to 65535');
  return port;
}

/** Opens the runtime for one command and closes it afterwards, whatever happens. */
async function withRuntime<T>(cmd: Command, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(loadOptions(cmd));
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function printRun(summary: RunSummary): void {
  out(formatSummary(summary));
  process.exitCode = (summary.counts.errors ?? 0) > 0 ? 1 : 0;
}

export function buildProgram(): Command {
  const program = new Command('newsflow')
    .description('Monitors news feeds: fetch, clean, classify and deduplicate articles into JSONL.')
    .version(PACKAGE_VERSION)
    .addOption(new Option('-c, --config <file>', 'config file merged over config/default.yaml').env('NEWSFLOW_CONFIG'))
    .addOption(new Option('-f, --feeds <file>', 'feeds file (overrides feedsFile in the config)').env('NEWSFLOW_FEEDS'))
    // Usage mistakes are thrown to main(), which prints them as one line like every other mistake (subcommands
    // inherit both settings).
    .exitOverride()
    .configureOutput({ outputError: () => {} });

  program
    .command('serve')
    .description('run stage workers and the crawl schedule until SIGTERM/SIGINT')
    .option('--stages <list>', 'comma-separated stages to run: fetch, fetch-feed, fetch-article, clean, classify, dedupe, sink (default: all)')
    .option('--no-schedule', 'do not synchronise the crawl schedules with the feeds file')
    .option('--admin-port <port>', 'serve /livez, /readyz, /metrics and /admin/queues on this port (0: any free one; overrides admin.port)', parsePort)
    .action(async (opts: { stages?: string; schedule: boolean; adminPort?: number }, cmd: Command) => {
      const rt = await openRuntime(loadOptions(cmd));
      try {
        await serve(rt, { stages: opts.stages, schedule: opts.schedule, adminPort: opts.adminPort });
      } catch (err) {
        await rt.close();
        throw err;
      }
    });

  program
    .command('crawl')
    .description('enqueue feeds, run the pipeline until it is drained, print a summary; exit 1 if anything failed')
    .requiredOption('--once', 'crawl once and exit (the only mode; `serve` crawls on a schedule)')
    .option('--feed <id>', 'only this feed')
    .option('--force', 'ignore stored ETag/Last-Modified and the seen-items memory')
    .action(async (opts: { feed?: string; force?: boolean }, cmd: Command) => {
      await withRuntime(cmd, async (rt) => printRun(await crawlOnce(rt, { feedId: opts.feed, force: opts.force ?? false })));
    });

  program
    .command('ingest')
    .description('send local HTML files and Markdown dumps with YAML front matter through the stages')
    .argument('<paths...>', 'files or folders')
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      await withRuntime(cmd, async (rt) => printRun(await ingestFiles(rt, paths)));
    });

  program
    .command('demo')
    .description('crawl the built-in sample sources once (served on 127.0.0.1) and print where the output is')
    .action(async (_opts: unknown, cmd: Command) => {
      const result = await runDemo(loadOptions(cmd));
      process.exitCode = result.invalid > 0 || (result.summary.counts.errors ?? 0) > 0 ? 1 : 0;
    });

  const day = (value: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('a date as YYYY-MM-DD');
    return value;
  };
  program
    .command('replay')
    .description('run the stages again over stored inputs, without fetching; output goes to a folder of its own')
    .option('--since <date>', 'first day (YYYY-MM-DD, UTC day of the fetch)', day)
    .option('--until <date>', 'last day (YYYY-MM-DD)', day)
    .option('--feed <id>', 'only articles of this feed')
    .addOption(new Option('--from-stage <stage>', 'stage to start from: clean (from raw payloads), classify or dedupe (from stored articles)').choices(['clean', 'classify', 'dedupe']).default('clean'))
    .option('--out <dir>', 'output folder (default: <dataDir>/replay/<run id>)')
    .addOption(new Option('--dedupe <index>', 'live: the deployment\'s duplicate index (same verdicts); fresh: a new one, for changed thresholds').choices(['live', 'fresh']).default('live'))
    .option('--max-pending <n>', 'most of the replay\'s jobs in Redis at once (one per article on its way); more are enqueued as these finish', parseJobCount, DEFAULT_MAX_PENDING)
    .option('--dry-run', 'only say what would be replayed')
    .option('--diff', 'report, per field, how many records changed, with examples')
    .action(async (opts: { since?: string; until?: string; feed?: string; fromStage: 'clean' | 'classify' | 'dedupe'; out?: string; dedupe: 'live' | 'fresh'; maxPending: number; dryRun?: boolean; diff?: boolean }, cmd: Command) => {
      const loaded = loadConfig(loadOptions(cmd));
      const progress = progressReporter();
      // The first Ctrl-C or SIGTERM stops the replay so it removes its queues (thousands of jobs, no expiry); a
      // second one exits at once.
      const interrupt = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (interrupt.signal.aborted) process.exit(128 + osConstants.signals[signal]);
        interrupt.abort(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let report: ReplayReport;
      try {
        report = await replay(loaded, {
          since: opts.since,
          until: opts.until,
          feedId: opts.feed,
          fromStage: opts.fromStage,
          outDir: opts.out,
          dedupe: opts.dedupe,
          maxPending: opts.maxPending,
          dryRun: opts.dryRun ?? false,
          onProgress: progress.update,
          log: createLogger({ level: loaded.config.log.level === 'info' ? 'warn' : loaded.config.log.level }),
          signal: interrupt.signal,
        });
      } catch (err) {
        if (!interrupt.signal.aborted) throw err;
        progress.stop();
        const signal = interrupt.signal.reason as NodeJS.Signals;
        process.stderr.write(`newsflow: replay interrupted by ${signal}; its queues were removed, its output is incomplete\n`);
        process.exitCode = 128 + osConstants.signals[signal];
        return;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      progress.stop();
      out(formatReplay(report, opts.diff ?? false));
      process.exitCode = report.failed > 0 ? 1 : 0;
    });

  const jobs = program.command('jobs').description('failed jobs (dead letters)');
  jobs
    .command('failed')
    .description('list jobs that failed for good, with their stage, error code and message')
    .addOption(stageOption())
    .option('--json', 'print JSON (with the original payloads)')
    .action(async (opts: { stage?: StageName; json?: boolean }, cmd: Command) => {
      await withRuntime(cmd, async (rt) => {
        out(await jobsFailed(rt, opts));
      });
    });
  jobs
    .command('retry')
    .description('send dead letters back to their stage (by id, or all)')
    .argument('[ids...]', 'dead-letter ids as listed by `jobs failed`, or original job ids')
    .option('--all', 'every dead letter (of --stage, if given)')
    .addOption(stageOption())
    .action(async (ids: string[], opts: { all?: boolean; stage?: StageName }, cmd: Command) => {
      await withRuntime(cmd, async (rt) => {
        out(await jobsRetry(rt, { ids, ...opts }));
      });
    });

  program
    .command('status')
    .description('queue depths per stage, jobs done in the last minutes, and the health of every feed, worst first')
    .option('--json', 'print the report as JSON for scripts')
    .option('--minutes <n>', 'throughput window in minutes', parseMinutes, 15)
    .action(async (opts: { json?: boolean; minutes: number }, cmd: Command) => {
      await withRuntime(cmd, async (rt) => {
        const report = await collectStatus(rt, { windowMinutes: opts.minutes });
        out(opts.json ? JSON.stringify(report, null, 2) : formatStatus(report));
      });
    });

  const feeds = program.command('feeds').description('the feeds file: OPML import and export, schedule reload, resuming paused feeds');
  feeds
    .command('import')
    .description('add the feeds of an OPML file (from a feed reader) to the feeds file; nested outlines become tags')
    .argument('<opml>', 'OPML file')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const loaded = loadConfig(loadOptions(cmd));
      const r = await importOpml(file, loaded.paths.feedsFile);
      out(`${loaded.paths.feedsFile}: ${JSON.stringify(r)}`);
    });
  feeds
    .command('export')
    .description('print the feeds file as OPML')
    .action((_opts: unknown, cmd: Command) => {
      const loaded = loadConfig(loadOptions(cmd));
      out(exportOpml(loadFeeds(loaded.paths.feedsFile)));
    });
  feeds
    .command('reload')
    .description('synchronise the crawl schedules with the feeds file (running services pick the change up at once)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withRuntime(cmd, async (rt) => {
        const r = await syncSchedules(rt, loadFeeds(rt.loaded.paths.feedsFile));
        out(`schedules: ${r.upserted} feeds scheduled, ${r.removed} removed`);
      });
    });

  feeds
    .command('resume')
    .description('poll feeds paused after repeated failures again (every paused feed when none is named)')
    .argument('[ids...]')
    .action(async (ids: string[], _opts: unknown, cmd: Command) => {
      await withRuntime(cmd, async (rt) => {
        const resumed = await resumeFeeds(rt, ids);
        out(resumed.length ? `resumed ${resumed.length}: ${resumed.join(', ')}` : 'no feed is paused');
      });
    });

  program
    .command('fetch')
    .description('fetch one URL with newsflow\'s HTTP client (guards, limits, decoding) and print what came back')
    .argument('<url>')
    .action(async (url: string, _opts: unknown, cmd: Command) => {
      out(await runFetch(url, loadConfig(loadOptions(cmd)).config.fetch));
    });
  program
    .command('parse-feed')
    .description('parse a feed file or URL and print the normalized feed as JSON')
    .argument('<file|url>')
    .action(async (input: string, _opts: unknown, cmd: Command) => {
      out(await runParseFeed(input, loadConfig(loadOptions(cmd)).config.fetch));
    });
  program
    .command('extract')
    .description('extract the main text and metadata of a page (file or URL), or of a Markdown dump')
    .argument('<file|url>')
    .option('--url <url>', 'the page\'s address, for relative links and site rules, when the input is a file')
    .addOption(new Option('--format <format>', 'output').choices(['json', 'text', 'markdown']).default('json'))
    .action(async (input: string, opts: { url?: string; format: 'json' | 'text' | 'markdown' }, cmd: Command) => {
      out(await runExtract(input, { ...opts, load: loadOptions(cmd) }));
    });
  program
    .command('classify')
    .description('label a file (HTML, Markdown dump or text) and show the evidence: language, topics, rules, entities')
    .argument('<file>')
    .option('--json', 'print JSON')
    .option('--url <url>', 'the document\'s URL, for site: rules')
    .action(async (file: string, opts: { json?: boolean; url?: string }, cmd: Command) => {
      const loaded = loadConfig(loadOptions(cmd));
      out(await runClassify(file, { config: loaded.config.classify, baseDir: loaded.paths.classifyBaseDir, ...opts }));
    });
  const model = program.command('model').description('the trainable topic model');
  model
    .command('train')
    .description('train a model on labelled lines {"text", "label", "title"?}')
    .requiredOption('--in <file>', 'labelled JSONL')
    .requiredOption('--out <file>', 'where to write the model')
    .option('--folds <k>', 'cross-validate with k folds first', (v) => Number.parseInt(v, 10))
    .addOption(new Option('--type <type>', 'model type').choices(MODEL_TYPES))
    .option('--vectors <file>', 'pretrained word vectors (word2vec, fastText .vec or GloVe), stored in the model')
    .option('--vector-weight <w>', `weight of the mean word vector beside the n-grams (default ${DEFAULT_VECTOR_WEIGHT})`, Number.parseFloat)
    .option('--vector-limit <n>', `words kept from the top of the vector file (default ${DEFAULT_VECTOR_LIMIT})`, (v) => Number.parseInt(v, 10))
    .action(async (opts: { in: string; out: string; folds?: number; type?: ModelType } & VectorArgs) => {
      const { in: input, out: output, ...rest } = opts;
      out((await modelTrain({ input, output, ...rest })).text);
    });
  model
    .command('eval')
    .description('accuracy, macro-F1, per-label precision/recall and the confusion matrix of a model on labelled lines')
    .requiredOption('--in <file>', 'labelled JSONL')
    .option('--model <file>', 'model file')
    .option('--folds <k>', 'no model file: cross-validate a model trained on the input with k folds', (v) => Number.parseInt(v, 10))
    .addOption(new Option('--type <type>', 'model type, with --folds').choices(MODEL_TYPES))
    .option('--vectors <file>', 'with --folds: pretrained word vectors, as in train')
    .option('--vector-weight <w>', `with --vectors: weight of the mean word vector (default ${DEFAULT_VECTOR_WEIGHT})`, Number.parseFloat)
    .option('--vector-limit <n>', `with --vectors: words kept from the top of the file (default ${DEFAULT_VECTOR_LIMIT})`, (v) => Number.parseInt(v, 10))
    .action(async (opts: { in: string; model?: string; folds?: number; type?: ModelType } & VectorArgs) => {
      const { in: input, ...rest } = opts;
      out((await modelEval({ input, ...rest })).text);
    });
  const dedupe = program.command('dedupe').description('duplicate detection');
  dedupe
    .command('check')
    .description('compare two documents: similarity and the verdict under the default thresholds')
    .argument('<fileA>')
    .argument('<fileB>')
    .action(async (a: string, b: string) => {
      out(await runDedupeCheck(a, b));
    });

  const store = program.command('store').description('the raw store of fetched payloads and the stage journals');
  store
    .command('prune')
    .description('delete raw payloads, manifests and journals beyond the retention (store.retentionDays, store.maxBytes)')
    .option('--dry-run', 'only say what would be deleted')
    .action(async (opts: { dryRun?: boolean }, cmd: Command) => {
      const loaded = loadConfig(loadOptions(cmd));
      const { retentionDays, maxBytes } = loaded.config.store;
      const r = await pruneStore(loaded.paths.dataDir, { days: retentionDays, maxBytes, dryRun: opts.dryRun ?? false });
      const verb = opts.dryRun ? 'would delete' : 'deleted';
      out(`${verb} ${r.objects} raw payloads (${(r.bytes / 1048576).toFixed(1)} MiB) and ${r.files} manifest and journal files`);
    });

  const config = program.command('config').description('configuration');
  config
    .command('check')
    .description('validate the config and feeds files without starting anything')
    .action((_opts: unknown, cmd: Command) => {
      const loaded = loadConfig(loadOptions(cmd));
      const feeds = loadFeeds(loaded.paths.feedsFile);
      // The classify stage's files are read as a worker reads them at start-up: a rule with a syntax error or a
      // model file that is not there stops the check, not the service later.
      loadClassifier(loaded.config.classify, loaded.paths.classifyBaseDir);
      out(`config ok: ${loaded.files.join(' + ')}`);
      out(`feeds ok: ${feeds.length} feeds in ${loaded.paths.feedsFile}`);
      out(`classify ok: taxonomy, topics, rules, gazetteer${loaded.config.classify.modelFile ? ' and model' : ''} load`);
    });

  return program;
}

/**
 * Runs the CLI. What the user can fix (their input, their files, an unreachable Redis, a source that failed) is
 * printed as one line, `newsflow: <what and where>`, with exit code 2 for input and 1 for a failed operation; only
 * a bug gets its stack.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    const fail = (message: string, code: number) => {
      process.stderr.write(`newsflow: ${message}\n`);
      process.exitCode = code;
    };
    if (err instanceof CommanderError) {
      // --help and --version end the program through here too, having printed what was asked; so does a command
      // given without its subcommand, after printing its help (a usage mistake, so exit 2).
      if (err.exitCode === 0 || err.code === 'commander.help') {
        process.exitCode = err.exitCode === 0 ? 0 : 2;
        return;
      }
      return fail(`${err.message.replace(/^error: /, '')} (see newsflow --help, or --help after the command)`, 2);
    }
    const fsCode = (err as NodeJS.ErrnoException | null)?.code;
    const fsPath = (err as NodeJS.ErrnoException | null)?.path;
    if (err instanceof InputError || err instanceof RedisUnavailableError) fail(err.message, 2);
    else if (err instanceof NewsflowError) fail(`${err.message} (${err.code})`, 1);
    else if (fsCode && fsPath && FILE_ERRORS[fsCode]) fail(`${fsPath}: ${FILE_ERRORS[fsCode]}`, 2);
    else throw err;
  }
}
