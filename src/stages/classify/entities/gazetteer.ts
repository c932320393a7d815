// Countries, territories and organisations named in a text: every alias is a term of the shared automaton, so
// entity matching costs nothing beyond the one scan. Overlaps resolve to the longest alias.
import { createRequire } from 'node:module';
import { z } from 'zod';
import countries from 'i18n-iso-countries';
import type { Entity } from '../../../domain/record.js';
import type { HitTable, TermHit, TermIndex } from '../match/term-index.js';
import { InputError } from '../../../domain/errors.js';
import { readYamlAs } from '../../../config/load.js';

const require = createRequire(import.meta.url);
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
countries.registerLocale(require('i18n-iso-countries/langs/zh.json'));

export const GazetteerFileSchema = z
  .object({
    entities: z
      .array(
        z
          .object({
            id: z.string().min(1),
            type: z.string().min(1).default('organization'),
            name: z.string().min(1).optional(),
            aliases: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .default([]),
    compounds: z.record(z.string().min(2), z.array(z.string().min(1)).min(2)).default({}),
    /** Extra aliases of existing entities (adjectives, capitals): id → aliases. */
    demonyms: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
    /** Chinese "X方" short forms: alias → id; guarded like compounds, and not where 方 starts another word. */
    shortForms: z.record(z.string().min(2), z.string().min(1)).default({}),
    blockers: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type GazetteerFile = z.infer<typeof GazetteerFileSchema>;

interface EntityInfo {
  id: string;
  type: string;
  name: string;
}

type AliasKind = { kind: 'entity'; ids: string[]; compound: boolean; shortForm?: boolean } | { kind: 'blocker' };

const HAS_LATIN = /[A-Za-z]/;
const NUMERAL_BEFORE = /[0-9０-９一二三四五六七八九十廿卅]$/;
/** Words that 方 begins: where one follows "X方", the X is not a country (方面 aspect, 方法 method, 方案 plan...). */
const FANG_WORDS = new Set([...'面法案式向便针位言程圆形块寸略剂子']);

export class Gazetteer {
  private readonly info = new Map<string, EntityInfo>();
  private readonly aliasOf = new Map<number, AliasKind>();
  private readonly blockers: number[] = [];

  constructor(
    private readonly index: TermIndex,
    files: GazetteerFile[],
    options: { builtinCountries: boolean },
  ) {
    if (options.builtinCountries) this.addCountries();
    for (const file of files) {
      for (const e of file.entities) {
        const known = this.info.get(e.id);
        this.info.set(e.id, { id: e.id, type: e.type, name: e.name ?? known?.name ?? e.id });
        for (const alias of e.aliases) this.addAlias(alias, [e.id], false);
      }
      for (const [alias, ids] of Object.entries(file.compounds)) {
        for (const id of ids) if (!this.info.has(id)) throw new InputError(`gazetteer compound "${alias}" names unknown id "${id}"`);
        this.addAlias(alias, ids, true);
      }
      for (const [id, aliases] of Object.entries(file.demonyms)) {
        if (!this.info.has(id)) throw new InputError(`gazetteer demonyms name unknown id "${id}"`);
        for (const alias of aliases) this.addAlias(alias, [id], false);
      }
      for (const [alias, id] of Object.entries(file.shortForms)) {
        if (!this.info.has(id)) throw new InputError(`gazetteer short form "${alias}" names unknown id "${id}"`);
        const term = this.index.add({ text: alias });
        this.aliasOf.set(term, { kind: 'entity', ids: [id], compound: true, shortForm: true });
      }
      for (const b of file.blockers) {
        const term = this.index.add({ text: b });
        this.aliasOf.set(term, { kind: 'blocker' });
        this.blockers.push(term);
      }
    }
  }

  private addCountries(): void {
    const en = countries.getNames('en', { select: 'all' });
    const zh = countries.getNames('zh', { select: 'all' });
    for (const [code, names] of Object.entries(en)) {
      this.info.set(code, { id: code, type: 'country', name: names[0] ?? code });
      // Two-letter codes other than the ones written as names (US, UK) would match too much ("IT", "IN", "ME").
      for (const name of names) if (name.length > 2 || name === 'US' || name === 'UK') this.addAlias(name, [code], false);
      for (const name of zh[code] ?? []) this.addAlias(name, [code], false);
    }
  }

  private addAlias(alias: string, ids: string[], compound: boolean): void {
    const term = this.index.add({ text: alias, caseSensitive: HAS_LATIN.test(alias) });
    const prev = this.aliasOf.get(term);
    if (prev?.kind === 'entity' && !compound) {
      // Two entities sharing an alias: the later (user) file wins, as it is the more specific.
      prev.ids = ids;
      return;
    }
    this.aliasOf.set(term, { kind: 'entity', ids, compound });
  }

  /** Entities named in the scanned fields, most mentioned first; `aliases`, when given, receives the alias texts found per id. */
  resolve(hits: HitTable, aliases?: Map<string, Set<string>>): Entity[] {
    const mentions = new Map<string, number>();
    this.claim(hits, (c, alias, verdict) => {
      if (verdict !== 'accepted' || alias.kind !== 'entity') return;
      for (const id of alias.ids) {
        mentions.set(id, (mentions.get(id) ?? 0) + 1);
        if (aliases) (aliases.get(id) ?? aliases.set(id, new Set()).get(id)!).add(this.index.term(c.term).text);
      }
    });
    return [...mentions]
      .map(([id, n]) => {
        const info = this.info.get(id) ?? { id, type: 'unknown', name: id };
        return { id, type: info.type, name: info.name, mentions: n };
      })
      .sort((a, b) => b.mentions - a.mentions || a.id.localeCompare(b.id));
  }

  /**
   * Removes from the scan the alias hits that a blocker takes, as resolve() does not count them (中美 in 中美洲, 美国
   * in 拉美国家): watch rules and topic rules that ask for the same term (china-us-relations asks for 中美) then do
   * not count them either. Other terms inside a blocker stay (a rule's 美洲 in 南美洲).
   */
  suppressBlocked(hits: HitTable): void {
    if (!this.blockers.some((term) => hits.get(term).length > 0)) return;
    const blocked = new Set<TermHit>();
    this.claim(hits, (hit, alias, verdict) => {
      if (verdict === 'blocked' && alias.kind === 'entity') blocked.add(hit);
    });
    if (blocked.size) hits.removeWhere((h) => blocked.has(h), new Set([...blocked].map((h) => h.term)));
  }

  /**
   * Walks the alias and blocker hits as they claim the text: names before compounds ("其中法国" is 法国, not 中法),
   * then longest, then leftmost; an alias whose characters a longer alias ('taken') or a blocker ('blocked') claimed
   * first does not count, nor does a compound after a numeral or a short form before a word 方 starts ('guarded').
   */
  private claim(hits: HitTable, visit: (hit: TermHit, alias: AliasKind, verdict: 'accepted' | 'taken' | 'blocked' | 'guarded') => void): void {
    const candidates: Array<{ hit: TermHit; alias: AliasKind; rank: number }> = [];
    for (const [term, list] of hits.byTerm) {
      const alias = this.aliasOf.get(term);
      if (!alias) continue;
      const compound = alias.kind === 'entity' && alias.compound ? 1 : 0;
      for (const hit of list) candidates.push({ hit, alias, rank: compound * 1e9 - (hit.end - hit.start) * 1e7 + hit.start });
    }
    candidates.sort((a, b) => a.rank - b.rank);
    // Per field, per character: 0 free, CLAIMED by an alias, BLOCKED by a blocker.
    const taken = new Map<string, Uint8Array>();
    for (const { hit: c, alias } of candidates) {
      let mask = taken.get(c.field);
      if (!mask) {
        mask = new Uint8Array(hits.fields.get(c.field)?.text.length ?? c.end);
        taken.set(c.field, mask);
      }
      let owner = 0;
      for (let i = c.start; i < c.end && !(owner & BLOCKED); i++) owner |= mask[i]!;
      if (owner !== 0) {
        visit(c, alias, owner & BLOCKED ? 'blocked' : 'taken');
        continue;
      }
      if (alias.kind === 'entity' && alias.compound) {
        const text = hits.fields.get(c.field)?.text ?? '';
        const guarded = (c.start > 0 && NUMERAL_BEFORE.test(text.charAt(c.start - 1))) || (alias.shortForm && FANG_WORDS.has(text.charAt(c.end)));
        if (guarded) {
          visit(c, alias, 'guarded');
          continue;
        }
      }
      mask.fill(alias.kind === 'entity' ? CLAIMED : BLOCKED, c.start, c.end);
      visit(c, alias, 'accepted');
    }
  }
}

const CLAIMED = 1;
const BLOCKED = 2;

export function loadGazetteerFile(file: string): GazetteerFile {
  return readYamlAs(file, GazetteerFileSchema);
}
