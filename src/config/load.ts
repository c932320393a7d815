// The one place that reads config files and process.env. Errors name the file, the key path and what was expected.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, FeedsFileSchema, type Config, type Feed } from './schema.js';
import { InputError } from '../domain/errors.js';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_CONFIG_FILE = path.join(PACKAGE_ROOT, 'config', 'default.yaml');

export class ConfigError extends InputError {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  /** Absolute paths, resolved against the file that named them. */
  paths: { dataDir: string; feedsFile: string; classifyBaseDir: string };
  /** The config files read, in order of precedence (last wins). */
  files: string[];
}

export interface LoadOptions {
  /** A user config file merged over the defaults. */
  configPath?: string | undefined;
  /** A feeds file that replaces the configured one. */
  feedsPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A YAML file's data (`{}` when empty); a file that cannot be read or parsed is a ConfigError naming it. */
export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${(err as Error).message}`);
  }
  try {
    return YAML.parse(text) ?? {};
  } catch (err) {
    // The yaml package's message ends in a code frame; the first line, with the place as file:line:column, says it.
    const place = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const what = (err as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${file}${place ? `:${place.line}:${place.col}` : ''}: not valid YAML: ${what}`);
  }
}

/** Deep merge where objects merge key by key and everything else (arrays included) is replaced. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Json, v) : v;
  return out;
}

export function formatIssues(file: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '(top level)';
      // zod names unknown keys in its message already ('Unrecognized key: "concurrncy"'); older messages did not.
      const named = 'keys' in issue && Array.isArray(issue.keys) ? issue.keys.map((k) => `"${k}"`) : [];
      const keys = named.filter((k) => !issue.message.includes(k)).map((k) => ` ${k}`).join(',');
      return `${file}: ${where}: ${issue.message}${keys}`;
    })
    .join('\n');
}

function pathKeySources(files: Array<{ file: string; data: Json }>, get: (d: Json) => unknown): string {
  let dir = path.dirname(files[0]!.file);
  for (const { file, data } of files) if (get(data) !== undefined) dir = path.dirname(file);
  return dir;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configPath = options.configPath ?? env.NEWSFLOW_CONFIG;
  const files = [DEFAULT_CONFIG_FILE, ...(configPath ? [path.resolve(cwd, configPath)] : [])];
  const layers = files.map((file) => {
    const data = readYaml(file);
    if (!isObject(data)) throw new ConfigError(`${file}: expected a mapping of keys at the top level`);
    const parsed = ConfigSchema.safeParse(data);
    // Validate each file on its own so an error names the file that holds the bad key.
    if (!parsed.success) throw new ConfigError(formatIssues(file, parsed.error));
    return { file, data };
  });
  let merged = layers.reduce<Json>((acc, l) => merge(acc, l.data), {});
  const overrides: Json = {};
  if (env.REDIS_URL) overrides.redis = { url: env.REDIS_URL };
  if (env.NEWSFLOW_DATA_DIR) overrides.dataDir = env.NEWSFLOW_DATA_DIR;
  if (env.NEWSFLOW_LOG_LEVEL) overrides.log = { level: env.NEWSFLOW_LOG_LEVEL };
  const admin: Json = {};
  // A port that is not a number is passed on as text, so the schema names the variable's value in its error.
  if (env.NEWSFLOW_ADMIN_PORT) admin.port = /^\d+$/.test(env.NEWSFLOW_ADMIN_PORT) ? Number(env.NEWSFLOW_ADMIN_PORT) : env.NEWSFLOW_ADMIN_PORT;
  if (env.NEWSFLOW_ADMIN_HOST) admin.host = env.NEWSFLOW_ADMIN_HOST;
  if (env.NEWSFLOW_ADMIN_TOKEN) admin.token = env.NEWSFLOW_ADMIN_TOKEN;
  if (Object.keys(admin).length) overrides.admin = admin;
  merged = merge(merged, overrides);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues('environment', parsed.error));
  const config = parsed.data;

  const feedsFile = options.feedsPath
    ? path.resolve(cwd, options.feedsPath)
    : env.NEWSFLOW_FEEDS
      ? path.resolve(cwd, env.NEWSFLOW_FEEDS)
      : path.resolve(pathKeySources(layers, (d) => d.feedsFile), config.feedsFile);
  // The classify section's files resolve against the folder of the last config file that has a classify section.
  const classifyBaseDir = pathKeySources(layers, (d) => d.classify);
  // The shipped default (./data) and NEWSFLOW_DATA_DIR are the working directory's; a config file's, its folder's,
  // so a service started from anywhere (systemd's WorkingDirectory, another host) finds the same data.
  const dataDirBase = env.NEWSFLOW_DATA_DIR ? cwd : pathKeySources(layers, (d) => d.dataDir);
  const dataDir = path.resolve(dataDirBase === path.dirname(DEFAULT_CONFIG_FILE) ? cwd : dataDirBase, config.dataDir);
  return { config, files, paths: { dataDir, feedsFile, classifyBaseDir } };
}

/** A YAML file read and checked against `schema`; a ConfigError naming the file and each key at fault otherwise. */
export function readYamlAs<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const parsed = schema.safeParse(readYaml(file));
  if (!parsed.success) throw new ConfigError(formatIssues(file, parsed.error));
  return parsed.data;
}

export function loadFeeds(file: string): Feed[] {
  return readYamlAs(file, FeedsFileSchema).feeds;
}
