// Tolerant parser for the date after `;` in a Received header: RFC 5322 plus the obsolete and broken forms seen in spam.

export interface ParsedDate {
  /** ISO 8601 UTC, or null when missing or not a real date. */
  iso: string | null;
  /** Milliseconds since the epoch (NaN when iso is null). */
  ms: number;
  /** null, or why the date is suspect: `missing`, `unparseable`, `invalid` (e.g. 30 Feb), `weekday-mismatch`. */
  problem: 'missing' | 'unparseable' | 'invalid' | 'weekday-mismatch' | null;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};
const WEEKDAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
/** RFC 5322 obsolete zones; other names are treated as -0000 (unknown offset), as the RFC says. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

/** Date text is short; looking at 128 characters bounds the work for hostile tails. */
const MAX_DATE_CHARS = 128;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Parses the date part of a Received header (text after the last `;`). Never throws. */
export function parseReceivedDate(text: string | null): ParsedDate {
  if (text === null || text.trim() === '') return { iso: null, ms: NaN, problem: 'missing' };
  const words = text.slice(0, MAX_DATE_CHARS).split(/[\s,]+/).filter((w) => w.length > 0);
  let weekday = -1;
  let day = -1;
  let month = -1;
  let year = -1;
  let h = -1;
  let mi = -1;
  let sec = 0;
  let pm: boolean | null = null;
  let offset: number | null = null;
  for (const raw of words) {
    const w = raw.toLowerCase().replace(/\.$/, '');
    if (w.startsWith('(')) break; // trailing "(EDT)" or "(envelope-from ...)"
    if (w.length >= 3 && WEEKDAYS[w.slice(0, 3)] !== undefined && weekday === -1 && day === -1 && /^[a-z]+$/.test(w)) {
      weekday = WEEKDAYS[w.slice(0, 3)] as number;
      continue;
    }
    if (w.length >= 3 && MONTHS[w.slice(0, 3)] !== undefined && month === -1 && /^[a-z]+$/.test(w)) {
      month = MONTHS[w.slice(0, 3)] as number;
      continue;
    }
    let m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/.exec(w);
    if (m && h === -1) {
      h = Number(m[1]);
      mi = Number(m[2]);
      sec = m[3] !== undefined ? Number(m[3]) : 0;
      continue;
    }
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(w);
    if (m && year === -1) {
      year = Number(m[1]);
      month = Number(m[2]);
      day = Number(m[3]);
      continue;
    }
    if (/^\d{1,4}$/.test(w)) {
      const v = Number(w);
      if (day === -1 && w.length <= 2 && (month === -1 || year === -1) && year === -1) day = v;
      else if (year === -1) year = w.length === 2 ? (v < 50 ? 2000 + v : 1900 + v) : w.length === 3 ? 1900 + v : v;
      else break;
      continue;
    }
    if (w === 'am' || w === 'pm') {
      pm = w === 'pm';
      continue;
    }
    m = /^([+-])(\d{2})(\d{2})$/.exec(w);
    if (m && offset === null) {
      offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
      continue;
    }
    if (offset === null && ZONES[w] !== undefined) {
      offset = ZONES[w];
      continue;
    }
    if (h !== -1 && offset === null && /^[a-z]{1,5}$/.test(w)) {
      offset = 0; // unknown named zone (e.g. "Eire", "CEST"): RFC 5322 treats it as -0000
      continue;
    }
    if (h !== -1 && year !== -1) break; // trailing junk such as Courier's "id 000A1B2C..."
  }
  if (day === -1 || month === -1 || year === -1 || h === -1) return { iso: null, ms: NaN, problem: 'unparseable' };
  if (pm !== null) {
    if (h < 1 || h > 12) return { iso: null, ms: NaN, problem: 'invalid' };
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || h > 23 || mi > 59 || sec > 60) {
    return { iso: null, ms: NaN, problem: 'invalid' };
  }
  const ms = Date.UTC(year, month - 1, day, h, mi, Math.min(sec, 59)) - (offset ?? 0) * 60_000;
  const local = new Date(Date.UTC(year, month - 1, day));
  const problem = weekday !== -1 && local.getUTCDay() !== weekday ? 'weekday-mismatch' : null;
  return { iso: new Date(ms).toISOString(), ms, problem };
}
