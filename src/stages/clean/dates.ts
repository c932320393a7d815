// Dates as pages write them (ISO 8601, RFC 2822, "2025年2月12日 下午3:05", "12. Februar 2025", "Feb 12, 2025 3:05 PM
// EST", Unix seconds) to ISO 8601 with an offset. A date without a zone takes the page's default offset.

// Full month names; a written month is matched by its full name or by an unambiguous prefix ("Sept", "févr", "Mär").
const MONTH_NAMES = [
  'january february march april may june july august september october november december',
  'januar februar märz april mai juni juli august september oktober november dezember',
  'jänner feber', // Austrian
  'janvier février mars avril mai juin juillet août septembre octobre novembre décembre',
  'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre',
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre',
  'janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro',
  'januari februari maart april mei juni juli augustus september oktober november december',
  'stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia', // Polish, genitive
];
const EXTRA_MONTHS: Record<string, number> = { feber: 2, setiembre: 9 };

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const MONTHS = new Map<string, number>();
for (const line of MONTH_NAMES) {
  const names = line.split(' ');
  names.forEach((n, i) => MONTHS.set(fold(n), names.length === 12 ? i + 1 : (EXTRA_MONTHS[n] ?? 1)));
}

/** The month a written name stands for; null when unknown or when the prefix fits more than one month ("ju"). */
export function monthOf(name: string): number | null {
  const n = fold(name.replace(/\.$/, ''));
  const exact = MONTHS.get(n);
  if (exact) return exact;
  if (n.length < 3) return null;
  let found: number | null = null;
  for (const [full, month] of MONTHS) {
    if (!full.startsWith(n)) continue;
    if (found !== null && found !== month) return null;
    found = month;
  }
  return found;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// Abbreviations that are unambiguous enough in news. CST is China Standard Time: it is what Chinese pages mean.
const ZONE_NAMES: Record<string, string> = {
  Z: '+00:00', UT: '+00:00', UTC: '+00:00', GMT: '+00:00', WET: '+00:00', BST: '+01:00', WEST: '+01:00', CET: '+01:00',
  MEZ: '+01:00', CEST: '+02:00', MESZ: '+02:00', EET: '+02:00', EEST: '+03:00', MSK: '+03:00', CST: '+08:00',
  BJT: '+08:00', HKT: '+08:00', SGT: '+08:00', 北京时间: '+08:00', JST: '+09:00', KST: '+09:00', AEST: '+10:00',
  AEDT: '+11:00', EST: '-05:00', EDT: '-04:00', CDT: '-05:00', MST: '-07:00', MDT: '-06:00', PST: '-08:00', PDT: '-07:00',
};

/** "+08:00" from "+0800", "+08", "Z", "GMT", "GMT+8", "UTC+05:30", "EST"; null when absent or not a zone. */
export function normalizeOffset(zone: string | undefined): string | null {
  if (!zone) return null;
  const z = zone.replace(/\s+/g, '').toUpperCase();
  if (ZONE_NAMES[z]) return ZONE_NAMES[z]!;
  const m = z.match(/^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/);
  if (!m) return null;
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  if (h > 14 || min > 59) return null;
  return `${m[1]}${pad(h)}:${pad(min)}`;
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** ISO 8601 text of a wall-clock time at an offset; null when a field is out of range. */
export function formatLocal(y: number, mo: number, d: number, h: number, mi: number, s: number, offset: string): string | null {
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCDate() !== d) return null;
  const zone = offset === '+00:00' ? 'Z' : offset;
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(Math.min(s, 59))}${zone}`;
}

/** An instant (ms since the epoch) written as wall-clock time at the given offset. */
export function formatInstant(ms: number, offset: string): string | null {
  if (!Number.isFinite(ms)) return null;
  const t = new Date(ms + offsetMinutes(offset) * 60_000);
  return formatLocal(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), offset);
}

// A zone after the time: an offset ("+08:00", "GMT+0800", "UTC+8"), a name ("EST", "CET"), maybe in parentheses.
const ZONE = String.raw`(?:\(\s*)?((?:GMT|UTC|UT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|[+-]\d{2}(?!\d)|(?:${Object.keys(ZONE_NAMES).join('|')})(?![\p{L}\p{N}]))`;
// A time of day: weekday, Chinese half-day, h:mm[:ss], am/pm, zone ("星期三 下午3:05", "3:05 p.m. EST", "15:05 GMT+0800").
// Every `\s*` follows a required token, so a long run of spaces cannot make the match backtrack polynomially.
const CLOCK =
  String.raw`(?:(?:星期|周|週)[一二三四五六日天]\s*)?(?:(上午|下午|早上|早晨|中午|傍晚|晚上|凌晨)\s*)?(\d{1,2})\s*[:：时時h]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?(?:[.,]\d+)?` +
  String.raw`(?:\s*[分秒])?(?:\s*([ap])\.?\s?m(?![\p{L}])\.?)?(?:\s*Uhr)?(?:\s*${ZONE})?`;
// The time that follows a date, after a connector ("T", "at", "um", "à").
const TIME = new RegExp(String.raw`^[\s,]*(?:(?:T|at|um|à|às|a las|a la|alle|ore|om|kl\.?|@|-|–|\|)(?![\p{L}])[\s,]*)?` + CLOCK, 'iu');
// A time anywhere, for texts that put it before the date ("15:05 EST, Feb 12, 2025").
const TIME_ANYWHERE = new RegExp(String.raw`(?<![\d:])` + CLOCK, 'iu');

interface Clock {
  h: number;
  mi: number;
  s: number;
  zone: string | null;
}

function clockOf(m: RegExpMatchArray | null): Clock | null {
  if (!m) return null;
  const [, period, hh, mm, ss, ampm, zone] = m;
  let h = Number(hh);
  const half = ampm?.toLowerCase() ?? period ?? '';
  if (h < 12 && (half === 'p' || /下午|傍晚|晚上/.test(half) || (half === '中午' && h < 11))) h += 12;
  if (h === 12 && (half === 'a' || half === '凌晨')) h = 0;
  return { h, mi: Number(mm), s: Number(ss ?? 0), zone: normalizeOffset(zone) };
}

/** The time written after the date, else one written before it; midnight when there is none. */
function clockAround(s: string, date: RegExpMatchArray): Clock {
  const end = date.index! + date[0].length;
  return clockOf(s.slice(end).match(TIME)) ?? clockOf(s.slice(0, date.index).match(TIME_ANYWHERE)) ?? { h: 0, mi: 0, s: 0, zone: null };
}

const NUMERIC = /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/;
const CHINESE = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/;
const DMY_NUMERIC = /(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)/;
const DMY_WORDS = /(?<![\p{L}\p{N}])(\d{1,2})(?:\.|er|º|°|st|nd|rd|th)?\s+(?:de\s+|of\s+)?(\p{L}{3,})\.?,?\s+(?:de\s+|del\s+)?(\d{4})(?!\d)/iu;
const MDY_WORDS = /(?<![\p{L}\p{N}])(\p{L}{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)/iu;
const UNIX = /^\s*(\d{10}|\d{13})\s*$/;

/**
 * Parses a date as pages write it. `defaultOffset` applies when the text carries no zone. Returns ISO 8601 with an
 * offset, or null when nothing date-like is found.
 */
export function parseDate(input: string | null | undefined, defaultOffset = '+00:00'): string | null {
  if (!input) return null;
  const s = input.trim();
  if (!s) return null;
  const unix = s.match(UNIX);
  if (unix) {
    const n = Number(unix[1]);
    return formatInstant(unix[1]!.length === 13 ? n : n * 1000, defaultOffset);
  }
  // "北京时间" may stand before the date rather than after the time.
  const fallback = /北京时间/.test(s) ? '+08:00' : defaultOffset;
  const at = (y: number, mo: number, d: number, m: RegExpMatchArray) => {
    const c = clockAround(s, m);
    return formatLocal(y, mo, d, c.h, c.mi, c.s, c.zone ?? fallback);
  };
  let m = s.match(NUMERIC) ?? s.match(CHINESE);
  if (m) return at(+m[1]!, +m[2]!, +m[3]!, m);
  m = s.match(DMY_NUMERIC);
  if (m) return at(+m[3]!, +m[2]!, +m[1]!, m);
  m = s.match(DMY_WORDS);
  const dmyMonth = m ? monthOf(m[2]!) : null;
  if (m && dmyMonth) return at(+m[3]!, dmyMonth, +m[1]!, m);
  m = s.match(MDY_WORDS);
  const mdyMonth = m ? monthOf(m[1]!) : null;
  if (m && mdyMonth) return at(+m[3]!, mdyMonth, +m[2]!, m);
  return null;
}
