// Dates as pages write them (ISO 8601, RFC 2822, "2025年2月12日 10:30", "12. Februar 2025", Unix seconds) to ISO 8601
// with an offset. A date without a zone takes the page's default offset (Beijing time for Chinese pages, else UTC).

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  januar: 1, februar: 2, märz: 3, maerz: 3, mai: 5, juni: 6, juli: 7, okt: 10, dez: 12,
  janv: 1, févr: 2, fevr: 2, mars: 3, avr: 4, juin: 6, juil: 7, août: 8, aout: 8, déc: 12,
  ene: 1, abr: 4, ago: 8, dic: 12,
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "+08:00" from "+0800", "+08", "Z", "GMT", "UTC"; null when absent or not a zone. */
export function normalizeOffset(zone: string | undefined): string | null {
  if (!zone) return null;
  const z = zone.trim().toUpperCase();
  if (z === 'Z' || z === 'GMT' || z === 'UTC' || z === 'UT') return '+00:00';
  if (z === 'CST' || z === 'BJT' || z === '北京时间') return '+08:00';
  if (z === 'CET') return '+01:00';
  if (z === 'CEST') return '+02:00';
  if (z === 'EST') return '-05:00';
  if (z === 'EDT') return '-04:00';
  if (z === 'PST') return '-08:00';
  if (z === 'PDT') return '-07:00';
  const m = z.match(/^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/);
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

const TIME = String.raw`(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}\b|GMT|UTC|CST|CET|CEST|EST|EDT|PST|PDT)?)?`;
const NUMERIC = new RegExp(String.raw`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})` + TIME, 'i');
const CHINESE = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s*(?:上午|下午)?\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?/;
const DMY_NUMERIC = new RegExp(String.raw`\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})` + TIME.replace('[T\\s]+', '[,\\s]+(?:um\\s+)?'), 'i');
const DMY_WORDS = /\b(\d{1,2})\.?\s+([A-Za-zÀ-ÿ]{3,})\.?\s+(\d{4})(?:[,\s]+(?:um\s+|at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?)?/;
const MDY_WORDS = /\b([A-Za-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:[,\s]+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?/i;
const UNIX = /^\s*(\d{10}|\d{13})\s*$/;

function monthOf(name: string): number | null {
  const n = name.toLowerCase().replace(/\.$/, '');
  return MONTHS[n] ?? MONTHS[n.slice(0, 3)] ?? null;
}

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
  let m = s.match(NUMERIC);
  if (m) {
    const zone = normalizeOffset(m[7]);
    return formatLocal(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), zone ?? defaultOffset);
  }
  m = s.match(CHINESE);
  if (m) {
    let h = +(m[4] ?? 0);
    if (/下午/.test(s) && h < 12) h += 12;
    return formatLocal(+m[1]!, +m[2]!, +m[3]!, h, +(m[5] ?? 0), +(m[6] ?? 0), defaultOffset);
  }
  m = s.match(DMY_NUMERIC);
  if (m) {
    const zone = normalizeOffset(m[7]);
    return formatLocal(+m[3]!, +m[2]!, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), zone ?? defaultOffset);
  }
  // RFC 2822 and other English forms: take the wall-clock fields ourselves so the written zone is kept.
  const zoneMatch = s.match(/(?:\d{1,2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:?\d{2}|GMT|UTC|UT|CST|CET|CEST|EST|EDT|PST|PDT)\b/i);
  const zone = normalizeOffset(zoneMatch?.[1]) ?? defaultOffset;
  m = s.match(DMY_WORDS);
  if (m) {
    const mo = monthOf(m[2]!);
    if (mo) return formatLocal(+m[3]!, mo, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), zone);
  }
  m = s.match(MDY_WORDS);
  if (m) {
    const mo = monthOf(m[1]!);
    if (mo) {
      let h = +(m[4] ?? 0);
      const ampm = m[7]?.toLowerCase();
      if (ampm?.startsWith('p') && h < 12) h += 12;
      if (ampm?.startsWith('a') && h === 12) h = 0;
      return formatLocal(+m[3]!, mo, +m[2]!, h, +(m[5] ?? 0), +(m[6] ?? 0), zone);
    }
  }
  return null;
}
