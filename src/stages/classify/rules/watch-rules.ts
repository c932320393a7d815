// Watch rules: loaded from YAML, each query parsed and compiled onto the shared term index. A syntax error rejects
// the whole file with the line and column of the mistake.
import { readFileSync } from 'node:fs';
import YAML, { LineCounter, isScalar, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { parseQuery, QuerySyntaxError } from './query-parser.js';
import { compileQuery, type CompiledNode } from './evaluate.js';
import type { TermIndex } from '../match/term-index.js';
import { InputError } from '../../../domain/errors.js';

export const WatchRuleSchema = z
  .object({
    /** Stable id, reported in every match. */
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only'),
    /** Bump when the query changes, so a record says which version of the rule fired. */
    version: z.union([z.string().min(1), z.number()]).transform(String).default('1'),
    query: z.string().min(1),
    description: z.string().optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export type WatchRuleSpec = z.infer<typeof WatchRuleSchema>;

export const RulesFileSchema = z.object({ rules: z.array(WatchRuleSchema).default([]) }).strict();

export interface WatchRule {
  id: string;
  version: string;
  description: string | undefined;
  node: CompiledNode;
}

export class RulesFileError extends InputError {
  override name = 'RulesFileError';
}

/** Parses and compiles rules; `where(i, offset)` names the source position of rule i's query at an offset. */
export function compileRules(
  specs: WatchRuleSpec[],
  index: TermIndex,
  where: (i: number, offset: number) => string = (i) => `rules[${i}].query`,
): WatchRule[] {
  const seen = new Set<string>();
  const out: WatchRule[] = [];
  specs.forEach((spec, i) => {
    if (seen.has(spec.id)) throw new RulesFileError(`${where(i, 0)}: duplicate rule id "${spec.id}"`);
    seen.add(spec.id);
    let node;
    try {
      node = parseQuery(spec.query);
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw new RulesFileError(`${where(i, err.offset)}: rule "${spec.id}": ${err.message}`);
      throw err;
    }
    if (spec.enabled) out.push({ id: spec.id, version: spec.version, description: spec.description, node: compileQuery(node, index) });
  });
  return out;
}

/** Loads a rules file; errors name the file, line and column. */
export function loadRulesFile(file: string, index: TermIndex): WatchRule[] {
  const source = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = YAML.parseDocument(source, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const p = lines.linePos(e.pos[0]);
    throw new RulesFileError(`${file}:${p.line}:${p.col}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const parsed = RulesFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // A missing key has no node: the nearest enclosing one that has (the rule it belongs to) is named instead.
    let node: YamlNode | undefined;
    for (let n = issue.path.length; n >= 0 && !node?.range; n--) node = doc.getIn(issue.path.slice(0, n) as Array<string | number>, true) as YamlNode | undefined;
    const at = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    throw new RulesFileError(`${file}:${at.line}:${at.col}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const where = (i: number, offset: number): string => {
    const q = doc.getIn(['rules', i, 'query'], true);
    if (!isScalar(q) || !q.range) return `${file}: rules[${i}].query`;
    const p = lines.linePos(queryOffsetInSource(source, q.range[0], q.range[1], String(q.value), offset));
    return `${file}:${p.line}:${p.col}`;
  };
  return compileRules(parsed.data.rules, index, where);
}

/**
 * Finds where character `offset` of a query string sits in the YAML source, walking the scalar's source beside its
 * value: line breaks and indentation that the value folds or leaves out, and the escapes of quoted scalars ("\"",
 * ''), are stepped over.
 */
function queryOffsetInSource(source: string, from: number, to: number, query: string, offset: number): number {
  let s = from;
  // A block scalar's value starts on the line after its "|" or ">" header; a quoted one after its quote.
  if (source[s] === '|' || source[s] === '>') s = source.indexOf('\n', s) + 1 || to;
  else if (source[s] === '"' || source[s] === "'") s++;
  const space = (ch: string | undefined) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
  for (let q = 0; q < offset && s < to; ) {
    if (query[q] === source[s]) {
      q++;
      s++;
    } else if (space(source[s]) || source[s] === '\\' || (source[s] === "'" && source[s + 1] === "'")) {
      // Folded or left-out white space, or the first character of an escape, which the next one stands for.
      s++;
    } else {
      // An escape such as \n or \t: one character of the value for one of the source.
      q++;
      s++;
    }
  }
  while (s < to && space(source[s]) && !space(query[offset])) s++;
  return Math.min(s, to);
}
