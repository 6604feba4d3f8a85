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
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Date text is short; looking at 128 characters bounds the work for hostile tails. */
const MAX_DATE_CHARS = 128;
/** Words examined (16): a date has at most 7; the rest is trailing junk. */
const MAX_DATE_WORDS = 16;

function daysInMonth(y: number, m: number): number {
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return MONTH_DAYS[m - 1] as number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/** Splits on spaces and commas without regexes (hot path: one call per header). */
function words(text: string): string[] {
  const out: string[] = [];
  const n = Math.min(text.length, MAX_DATE_CHARS);
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (c === 32 || c === 44 || c === 9) {
      if (start !== -1) {
        out.push(text.slice(start, i));
        if (out.length >= MAX_DATE_WORDS) break;
        start = -1;
      }
    } else if (start === -1) start = i;
  }
  return out;
}

function allDigits(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (!isDigit(w.charCodeAt(i))) return false;
  return w.length > 0;
}
function allAlpha(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (!isAlpha(w.charCodeAt(i))) return false;
  return w.length > 0;
}

/** Reads 1-2 digits at i; returns [value, nextIndex] or null. */
function digits2(w: string, i: number, min: number): [number, number] | null {
  let v = 0;
  let j = i;
  while (j < w.length && j - i < 2 && isDigit(w.charCodeAt(j))) v = v * 10 + (w.charCodeAt(j++) - 48);
  return j - i >= min ? [v, j] : null;
}

/** Parses "h:mm[:ss[.frac]]" by hand (no split/regex: one call per header); returns [h, m, s] or null. */
function time(w: string): [number, number, number] | null {
  const h = digits2(w, 0, 1);
  if (!h || w.charCodeAt(h[1]) !== 58) return null;
  const m = digits2(w, h[1] + 1, 2);
  if (!m) return null;
  if (m[1] === w.length) return [h[0], m[0], 0];
  if (w.charCodeAt(m[1]) !== 58) return null;
  const sec = digits2(w, m[1] + 1, 1);
  if (!sec) return null;
  let j = sec[1];
  if (j < w.length && w.charCodeAt(j) === 46) {
    j++;
    const start = j;
    while (j < w.length && isDigit(w.charCodeAt(j))) j++;
    if (j === start) return null;
  }
  return j === w.length ? [h[0], m[0], sec[0]] : null;
}

/** Two digits at i as a number, or -1. */
function two(t: string, i: number): number {
  const a = t.charCodeAt(i) - 48;
  const b = t.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The RFC 5322 form almost every MTA writes, "[Www,] D Mmm YYYY HH:MM:SS +ZZZZ" with nothing after it but
 * a comment such as "(UTC)", read by position without splitting into words. Anything else returns null and
 * goes to the general parser, which gives the same answer for these inputs (a unit test compares both).
 */
function canonicalDate(t: string): ParsedDate | null {
  const n = t.length;
  let i = 0;
  let weekday = -1;
  if (n > 4 && t.charCodeAt(3) === 44 && isAlpha(t.charCodeAt(0))) {
    const wd = WEEKDAYS[t.slice(0, 3).toLowerCase()];
    if (wd === undefined) return null;
    weekday = wd;
    i = 4;
    while (i < n && t.charCodeAt(i) === 32) i++;
  }
  let day = t.charCodeAt(i) - 48;
  if (day < 0 || day > 9) return null;
  i++;
  const d1 = t.charCodeAt(i) - 48;
  if (d1 >= 0 && d1 <= 9) {
    day = day * 10 + d1;
    i++;
  }
  if (t.charCodeAt(i) !== 32) return null;
  const month = MONTHS[t.slice(i + 1, i + 4).toLowerCase()];
  if (month === undefined || t.charCodeAt(i + 4) !== 32) return null;
  i += 5;
  const y1 = two(t, i);
  const y2 = two(t, i + 2);
  if (y1 < 0 || y2 < 0 || t.charCodeAt(i + 4) !== 32) return null;
  const year = y1 * 100 + y2;
  i += 5;
  let h = t.charCodeAt(i) - 48;
  if (h < 0 || h > 9) return null;
  i++;
  const h1 = t.charCodeAt(i) - 48;
  if (h1 >= 0 && h1 <= 9) {
    h = h * 10 + h1;
    i++;
  }
  if (t.charCodeAt(i) !== 58) return null;
  const mi = two(t, i + 1);
  if (mi < 0 || t.charCodeAt(i + 3) !== 58) return null;
  const sec = two(t, i + 4);
  if (sec < 0 || t.charCodeAt(i + 6) !== 32) return null;
  i += 7;
  const sign = t.charCodeAt(i);
  const oh = two(t, i + 1);
  const om = two(t, i + 3);
  if ((sign !== 43 && sign !== 45) || oh < 0 || om < 0) return null;
  i += 5;
  // Only the end of the text or a space and a comment may follow (the general parser stops at a word starting "(").
  if (i < n) {
    if (t.charCodeAt(i) !== 32) return null;
    while (i < n && t.charCodeAt(i) === 32) i++;
    if (i < n && t.charCodeAt(i) !== 40) return null;
  }
  return finish(weekday, day, month, year, h, mi, sec, null, (sign === 45 ? -1 : 1) * (oh * 60 + om));
}

/** Parses the date part of a Received header (text after the last `;`). Never throws. */
export function parseReceivedDate(text: string | null): ParsedDate {
  if (text === null) return { iso: null, ms: NaN, problem: 'missing' };
  return canonicalDate(text) ?? parseDateWords(text);
}

/** The general, word-by-word parser (exported so a test can hold the fast path to it). */
export function parseDateWords(text: string): ParsedDate {
  const ws = words(text);
  if (ws.length === 0) return { iso: null, ms: NaN, problem: 'missing' };
  let weekday = -1;
  let day = -1;
  let month = -1;
  let year = -1;
  let h = -1;
  let mi = -1;
  let sec = 0;
  let pm: boolean | null = null;
  let offset: number | null = null;
  for (const raw of ws) {
    const c0 = raw.charCodeAt(0);
    if (c0 === 40) break; // trailing "(EDT)" or "(envelope-from ...)"
    const w = raw.endsWith('.') ? raw.slice(0, -1) : raw;
    if (w.length === 0) continue;
    if (isAlpha(c0)) {
      if (!allAlpha(w)) {
        if (h !== -1 && year !== -1) break;
        continue;
      }
      const lw = w.toLowerCase();
      const k = lw.slice(0, 3);
      if (lw.length >= 3 && weekday === -1 && day === -1 && WEEKDAYS[k] !== undefined) weekday = WEEKDAYS[k];
      else if (lw.length >= 3 && month === -1 && MONTHS[k] !== undefined) month = MONTHS[k];
      else if (lw === 'am' || lw === 'pm') pm = lw === 'pm';
      else if (offset === null && ZONES[lw] !== undefined) offset = ZONES[lw];
      else if (h !== -1 && offset === null && lw.length <= 5) offset = 0; // unknown named zone ("Eire", "CEST"): -0000
      else if (h !== -1 && year !== -1) break; // trailing junk such as Courier's "id 000A1B2C..."
      continue;
    }
    if ((c0 === 43 || c0 === 45) && w.length === 5 && allDigits(w.slice(1))) {
      if (offset === null) offset = (c0 === 45 ? -1 : 1) * (Number(w.slice(1, 3)) * 60 + Number(w.slice(3, 5)));
      continue;
    }
    if (!isDigit(c0)) {
      if (h !== -1 && year !== -1) break;
      continue;
    }
    if (w.includes(':')) {
      const t = h === -1 ? time(w) : null;
      if (t) [h, mi, sec] = t;
      else if (h !== -1 && year !== -1) break;
      continue;
    }
    if (w.length === 10 && w.charCodeAt(4) === 45 && w.charCodeAt(7) === 45 && year === -1) {
      const y = w.slice(0, 4);
      const mo = w.slice(5, 7);
      const d = w.slice(8, 10);
      if (allDigits(y) && allDigits(mo) && allDigits(d)) {
        year = Number(y);
        month = Number(mo);
        day = Number(d);
        continue;
      }
    }
    if (allDigits(w) && w.length <= 4) {
      const v = Number(w);
      if (day === -1 && w.length <= 2 && year === -1) day = v;
      else if (year === -1) year = w.length === 2 ? (v < 50 ? 2000 + v : 1900 + v) : w.length === 3 ? 1900 + v : v;
      else break;
      continue;
    }
    if (h !== -1 && year !== -1) break;
  }
  return finish(weekday, day, month, year, h, mi, sec, pm, offset);
}

/** Checks the fields and builds the result; shared by the fast path and the general parser. */
function finish(weekday: number, day: number, month: number, year: number, h: number, mi: number, sec: number, pm: boolean | null, offset: number | null): ParsedDate {
  if (day === -1 || month === -1 || year === -1 || h === -1) return { iso: null, ms: NaN, problem: 'unparseable' };
  if (pm !== null) {
    if (h < 1 || h > 12) return { iso: null, ms: NaN, problem: 'invalid' };
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || h > 23 || mi > 59 || sec > 60) {
    return { iso: null, ms: NaN, problem: 'invalid' };
  }
  const dayMs = Date.UTC(year, month - 1, day);
  const ms = dayMs + h * 3_600_000 + mi * 60_000 + Math.min(sec, 59) * 1000 - (offset ?? 0) * 60_000;
  const actualWeekday = (Math.floor(dayMs / 86_400_000) + 4) % 7; // 1970-01-01 was a Thursday
  const problem = weekday !== -1 && actualWeekday !== weekday ? 'weekday-mismatch' : null;
  return { iso: isoString(ms), ms, problem };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()` for whole seconds, by arithmetic in years 0000-9999: one call per Received header,
 * and the Date object plus its formatting was ~4% of explain's time. Days to civil date: H. Hinnant's algorithm.
 */
export function isoString(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const secs = Math.floor((ms - days * 86_400_000) / 1000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(secs / 3600);
  const mi = Math.floor((secs % 3600) / 60);
  // Outside 0000-9999 (a zone offset can push 9999-12-31 over) toISOString's expanded-year form applies.
  if (y < 0 || y > 9999) return new Date(ms).toISOString();
  const yyyy = y < 1000 ? String(y).padStart(4, '0') : String(y);
  return `${yyyy}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(secs % 60)}.000Z`;
}
