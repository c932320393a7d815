// Feed dates as ISO 8601 with their offset: RFC 822 and its common breakages, ISO 8601 variants, Chinese
// formats and Unix timestamps. Hand-written because feeds break dates in ways no date library tolerates together.

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

/** RFC 822 zone names and the few others feeds use, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  bst: 60, cet: 60, cest: 120, eet: 120, eest: 180, msk: 180, ist: 330, jst: 540, kst: 540, hkt: 480, sgt: 480,
  aest: 600, aedt: 660,
};

/**
 * The offset to assume for zone-less dates of a feed: from its language tag, else from the script of its titles
 * (Han only: China/Taiwan/Hong Kong/Singapore share +08:00; kana: +09:00; Hangul: +09:00); otherwise UTC.
 */
export function assumedOffsetMinutes(language: string | null | undefined, sampleText: string): number {
  const lang = (language ?? '').trim().toLowerCase();
  if (lang.startsWith('zh')) return 480;
  if (lang.startsWith('ja') || lang.startsWith('ko')) return 540;
  if (lang) return 0;
  if (/[\u3040-\u30ff]/.test(sampleText)) return 540;
  if (/[\uac00-\ud7af]/.test(sampleText)) return 540;
  if (/[\u4e00-\u9fff]/.test(sampleText)) return 480;
  return 0;
}

export interface DateOptions {
  /** Minutes east of UTC assumed for a date without a zone (default 0). Chinese-format dates always assume +08:00. */
  assumeOffsetMinutes?: number;
}

interface Parts { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; offset: number }

function pad(n: number, w = 2): string {
  return String(Math.abs(n)).padStart(w, '0');
}

function format(p: Parts): string | null {
  const utc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms);
  const check = new Date(utc);
  // Reject impossible dates (Feb 30, hour 25) rather than letting Date roll them over.
  if (check.getUTCMonth() !== p.mo - 1 || check.getUTCDate() !== p.d || p.h > 23 || p.mi > 59 || p.s > 60) return null;
  if (p.y < 1970 || p.y > 2200) return null;
  const zone = p.offset === 0 ? 'Z' : `${p.offset > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(p.offset) / 60))}:${pad(Math.abs(p.offset) % 60)}`;
  const frac = p.ms ? `.${pad(p.ms, 3)}` : '';
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(Math.min(p.s, 59))}${frac}${zone}`;
}

function zoneOffset(zone: string | undefined, fallback: number): number | null {
  if (!zone) return fallback;
  const z = zone.trim().toLowerCase();
  // Chinese sites write "CST" for China Standard Time; RFC 822 means US Central. The feed's script decides.
  if (z === 'cst' && fallback === 480) return 480;
  const num = z.match(/^(?:gmt|utc|ut)?\s*([+-])(\d{1,2}):?(\d{2})?$/);
  if (num) return (num[1] === '-' ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3] ?? 0));
  return ZONES[z] ?? null;
}

function year(y: string): number {
  const n = Number(y);
  return y.length <= 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
}

const ISO = /^(\d{4})-?(\d{1,2})-?(\d{1,2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?|[A-Z]{2,5})?(?:\s+[^\d\s][^\d]*)?$/i;
const SLASHED = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{1,2}:?\d{2}|[A-Z]{1,5})?$/i;
const CHINESE = /^(?:(?:星期|周|週)[一二三四五六日天]\s*)?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(上午|下午|晚上)?\s*(\d{1,2})\s*[:：时點点]\s*(\d{1,2})\s*(?:[:：分]\s*(?:(\d{1,2})\s*秒?)?)?)?/;
// "Wed, 12 Feb 2025 08:30:00 +0000" and breakages: no weekday, wrong weekday, full month names, missing seconds,
// a dot or dash between parts, "Feb 12 2025", lower case, a zone glued to the time, trailing junk after the zone.
const RFC822 = /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(\d{1,2})(?:st|nd|rd|th)?[\s\-.]+([a-z]+)\.?,?[\s\-.]+(\d{2,4}),?(?:\s+|T)?(?:(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*((?:gmt|utc)?[+-]\d{1,2}:?\d{2}|[a-z]{1,5})?/i;
const MONTH_FIRST = /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}),?(?:\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?\s*([a-z]{1,5}|[+-]\d{1,2}:?\d{2})?/i;

export function parseFeedDate(input: string | null | undefined, options: DateOptions = {}): string | null {
  if (!input) return null;
  const s = input.replace(/\s+/g, ' ').trim();
  if (!s) return null;
  const assumed = options.assumeOffsetMinutes ?? 0;

  if (/^\d{10}(\d{3})?$/.test(s)) {
    const ms = s.length === 13 ? Number(s) : Number(s) * 1000;
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  }

  let m = s.match(ISO);
  if (m) {
    const offset = zoneOffset(m[8], assumed);
    if (offset === null) return null;
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    return format({ y: +m[1]!, mo: +m[2]!, d: +m[3]!, h: +(m[4] ?? 0), mi: +(m[5] ?? 0), s: +(m[6] ?? 0), ms, offset });
  }

  m = s.match(CHINESE);
  if (m) {
    let h = +(m[5] ?? 0);
    if ((m[4] === '下午' || m[4] === '晚上') && h < 12) h += 12;
    return format({ y: +m[1]!, mo: +m[2]!, d: +m[3]!, h, mi: +(m[6] ?? 0), s: +(m[7] ?? 0), ms: 0, offset: 480 });
  }

  m = s.match(SLASHED);
  if (m) {
    const offset = zoneOffset(m[7], assumed);
    if (offset === null) return null;
    return format({ y: +m[1]!, mo: +m[2]!, d: +m[3]!, h: +(m[4] ?? 0), mi: +(m[5] ?? 0), s: +(m[6] ?? 0), ms: 0, offset });
  }

  m = s.match(RFC822);
  if (m && MONTHS[m[2]!.toLowerCase()]) {
    const offset = zoneOffset(m[7], assumed);
    if (offset !== null) {
      return format({ y: year(m[3]!), mo: MONTHS[m[2]!.toLowerCase()]!, d: +m[1]!, h: +(m[4] ?? 0), mi: +(m[5] ?? 0), s: +(m[6] ?? 0), ms: 0, offset });
    }
  }

  m = s.match(MONTH_FIRST);
  if (m && MONTHS[m[1]!.toLowerCase()]) {
    const offset = zoneOffset(m[8], assumed);
    let h = +(m[4] ?? 0);
    if (m[7]?.toLowerCase() === 'pm' && h < 12) h += 12;
    if (m[7]?.toLowerCase() === 'am' && h === 12) h = 0;
    if (offset !== null) return format({ y: +m[3]!, mo: MONTHS[m[1]!.toLowerCase()]!, d: +m[2]!, h, mi: +(m[5] ?? 0), s: +(m[6] ?? 0), ms: 0, offset });
  }

  // Last resort: whatever the JavaScript engine understands, reported in UTC.
  const t = Date.parse(s);
  if (Number.isNaN(t)) return null;
  const y = new Date(t).getUTCFullYear();
  return y < 1970 || y > 2200 ? null : new Date(t).toISOString().replace('.000Z', 'Z');
}
