// Parses one Received header value into a ReceivedHop: tokenise, group into clauses, then read the TCP-info per MTA style.
import type { ReceivedHop } from '@spamtrap/contracts';
import { parseReceivedDate } from './date.js';
import { normaliseIp } from './ip.js';
import { MAX_FIELD_CHARS, MAX_RECEIVED_VALUE_CHARS } from './limits.js';
import { tokenise, type Token } from './tokens.js';

/** A parsed hop with the optional extras this library adds to the shared contract. */
export type Hop = ReceivedHop;

type Clause = 'from' | 'by' | 'via' | 'with' | 'id' | 'for';

/** `with` tokens that mean the client authenticated (RFC 3848 / 6531, webmail, ASMTP). */
const AUTH_PROTOCOLS = new Set(['ESMTPA', 'ESMTPSA', 'LMTPA', 'LMTPSA', 'UTF8SMTPA', 'UTF8SMTPSA', 'UTF8ESMTPA', 'UTF8ESMTPSA', 'UTF8LMTPA', 'UTF8LMTPSA', 'ASMTP', 'HTTP', 'HTTPS', 'HTTPU', 'HTTP-DAV']);
/** `with` tokens that mean TLS. */
const TLS_PROTOCOLS = new Set(['ESMTPS', 'ESMTPSA', 'SMTPS', 'LMTPS', 'LMTPSA', 'UTF8SMTPS', 'UTF8SMTPSA', 'UTF8ESMTPS', 'UTF8ESMTPSA', 'UTF8LMTPS', 'UTF8LMTPSA', 'HTTPS']);
/** `with` tokens of a mailbox fetch: the hop is a re-injection, not a network relay (SpamAssassin's restart point). */
const FETCH_PROTOCOLS = new Set(['POP', 'POP3', 'POP3S', 'IMAP', 'IMAP4', 'IMAPS', 'ODMR', 'ETRN']);
/** `with` tokens of local delivery / batch SMTP: never a network hop. */
const LOCAL_PROTOCOLS = new Set(['LOCAL-ESMTP', 'LOCAL-SMTP', 'LOCAL-BSMTP', 'BSMTP', 'UUCP', 'LOCAL-LMTP']);
/**
 * `with local` / `with pipe` are local only when no address is recorded; spam often forges
 * "from [ip] by big.isp with local", and that address claim is kept (as SpamAssassin does).
 */
const LOCAL_UNLESS_IP = new Set(['LOCAL', 'PIPE']);

const AUTH_COMMENT = /^(?:authenticated\b|auth: |account \S|\S+ authenticated user\b|authenticated sender:|via http\b|with login\b)|\bauthenticated (?:sender|user|as|bits=)/i;
/** SquirrelMail / NaSMail's "(SquirrelMail authenticated user u)" in the from clause. */
const WEBMAIL_USER = /^\S+ authenticated user\b/i;
const TLS_COMMENT = /\b(?:using TLS|version=TLS|version=SSL|TLSv?1[._]?\d|cipher=|Google Transport Security|TLS1_\d|SSLv3)\b|^TLS\b/i;

function clean(s: string): string {
  return s.length > MAX_FIELD_CHARS ? s.slice(0, MAX_FIELD_CHARS) : s;
}

/** Strips a trailing dot (Gmail writes `rdns.`) and maps "unknown"/"[...]" to null. */
function cleanRdns(s: string | null | undefined): string | null {
  if (!s) return null;
  let r = s.trim();
  if (r.endsWith('.')) r = r.slice(0, -1);
  const low = r.toLowerCase();
  // "softdnserr" is Courier's marker for a failed lookup, not a name.
  if (r === '' || low === 'unknown' || low === 'softdnserr' || r.startsWith('[') || r.startsWith('?')) return null;
  return clean(r);
}

function stripAngle(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  return s.charCodeAt(0) === 60 || last === 62 || last === 59 ? s.replace(/^<|>;?$|;$/g, '') : s;
}

/** Drops trailing dots, commas and semicolons ("mx.example.net." / "host;"); the regex runs only when there is one. */
function trimTrailingPunct(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  return last === 46 || last === 44 || last === 59 ? s.replace(/[.,;]+$/, '') : s;
}

interface Clauses {
  lead: Token[];
  from: Token[] | null;
  by: Token[] | null;
  via: Token[] | null;
  with: Token[] | null;
  id: Token[] | null;
  for: Token[] | null;
  /** Words that follow the by-host (Haraka `tls`, Exim `(envelope-from ...)`), for marker search. */
  all: Token[];
}

/** The clause keyword a word is, or null (a switch: no Set lookup, no computed property access per word). */
function keyword(w: string): Clause | null {
  // Keywords start with f, b, v, w or i and have 2-4 letters: most words are ruled out without a lower-cased copy.
  const n = w.length;
  if (n < 2 || n > 4) return null;
  const c0 = w.charCodeAt(0) | 0x20;
  if (c0 !== 102 && c0 !== 98 && c0 !== 118 && c0 !== 119 && c0 !== 105) return null;
  switch (w.toLowerCase()) {
    case 'from':
      return 'from';
    case 'by':
      return 'by';
    case 'via':
      return 'via';
    case 'with':
      return 'with';
    case 'id':
      return 'id';
    case 'for':
      return 'for';
    default:
      return null;
  }
}

function group(tokens: Token[]): Clauses {
  const c: Clauses = { lead: [], from: null, by: null, via: null, with: null, id: null, for: null, all: tokens };
  let cur: Token[] = c.lead;
  let expectValue = false;
  for (const tok of tokens) {
    const key = tok.t === 'w' && !expectValue ? keyword(tok.s) : null;
    if (key !== null) {
      const fresh: Token[] = [];
      // A repeated keyword keeps the first clause; later text goes to a throwaway list.
      switch (key) {
        case 'from':
          c.from ??= fresh;
          break;
        case 'by':
          c.by ??= fresh;
          break;
        case 'via':
          c.via ??= fresh;
          break;
        case 'with':
          c.with ??= fresh;
          break;
        case 'id':
          c.id ??= fresh;
          break;
        case 'for':
          c.for ??= fresh;
          break;
      }
      cur = fresh;
      expectValue = true;
      continue;
    }
    expectValue = false;
    cur.push(tok);
  }
  return c;
}

// Plain loops rather than filter/map closures: this runs for every header (and tsx wraps each closure).
function pick(ts: Token[] | null, kind: 'w' | 'c'): string[] {
  const out: string[] = [];
  if (ts) for (const t of ts) if (t.t === kind) out.push(t.s);
  return out;
}
function words(ts: Token[] | null): string[] {
  return pick(ts, 'w');
}
function comments(ts: Token[] | null): string[] {
  return pick(ts, 'c');
}
/** The first word of a clause without building the list (id, for, via need only that). */
function firstWord(ts: Token[] | null): string | undefined {
  if (ts) for (const t of ts) if (t.t === 'w') return t.s;
  return undefined;
}
/** True when a comment anywhere in the header matches `re` (no list of all comments is built). */
function anyComment(re: RegExp, ts: Token[]): boolean {
  for (const t of ts) if (t.t === 'c' && re.test(t.s)) return true;
  return false;
}
function anyIn(set: Set<string>, items: string[]): boolean {
  for (const i of items) if (set.has(i)) return true;
  return false;
}
function anyMatch(re: RegExp, items: string[]): boolean {
  for (const i of items) if (re.test(i)) return true;
  return false;
}

interface TcpInfo {
  ip: string;
  rdns: string | null;
  ident: string | null;
  helo: string | null;
  style: 'bracket-first' | 'name-bracket' | 'bare';
  forged: boolean;
  /** CommuniGate's "[ip] verified": the from name was checked against DNS. */
  verified?: boolean;
  /** XMail's bare "(ip:port)": the from name is the HELO, no rDNS is recorded. */
  port?: boolean;
  /** ecelerity's "[ip:port]" (the port inside the brackets): the from name is the rDNS, the HELO only ever `helo=`. */
  portInside?: boolean;
}

/** Reads one comment as TCP-info; null when it carries no IP. */
function readTcpInfo(comment: string): TcpInfo | null {
  const s = comment.includes('[(') ? comment.replace(/\[\(([0-9a-fA-F.:]{1,45})\)\]/g, '[$1]') : comment;
  if (s.startsWith('[')) {
    // Exim / SMTPSVC / Domino / courier: "[ip]:port helo=x ident=y", "[ip] verified", "[ip] RDNS failed".
    const close = s.indexOf(']');
    const lit = close === -1 ? s : s.slice(0, close + 1);
    let rest = close === -1 ? '' : s.slice(close + 1);
    let ipText = lit;
    const port = /^[:.](\d{1,5})\b/.exec(rest);
    if (port) rest = rest.slice(port[0].length);
    const ip = normaliseIp(ipText);
    if (!ip) return null;
    ipText = ip;
    const helo = /\bhelo=(\S+)/i.exec(rest);
    const ident = /\bident=(\S+)/i.exec(rest);
    // "[a.b.c.d:port]": only ecelerity puts the port inside the brackets (Exim writes "[ip]:port", IPv6 has no dot).
    const portInside = lit.length > 10 && lit.includes(':') && /^\[\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}\]$/.test(lit);
    return { ip: ipText, rdns: null, ident: ident ? clean(ident[1] as string) : null, helo: helo ? clean(helo[1] as string) : null, style: 'bracket-first', forged: false, verified: /^\s*verified\b/i.test(rest), portInside };
  }
  // Postfix / sendmail / Gmail / Haraka: "[IDENT:][user@]rdns [ip] (may be forged)", also "rdns[ip]".
  const lb = s.lastIndexOf('[');
  if (lb !== -1) {
    const rb = s.indexOf(']', lb);
    if (rb !== -1) {
      const ip = normaliseIp(s.slice(lb, rb + 1));
      if (ip) {
        let before = s.slice(0, lb).trim();
        const after = s.slice(rb + 1);
        let ident: string | null = null;
        if (before.length >= 6 && before.slice(0, 6).toUpperCase() === 'IDENT:') before = before.slice(6);
        const at = before.lastIndexOf('@');
        if (at !== -1) {
          ident = clean(before.slice(0, at));
          before = before.slice(at + 1);
        }
        const name = before.slice(before.lastIndexOf(' ') + 1);
        return { ip, rdns: cleanRdns(name), ident, helo: null, style: 'name-bracket', forged: /may be forged/i.test(after) };
      }
    }
  }
  // qmail / Exchange 2013+ / XMail: "ip", "ident@ip", "ip:port".
  const m = /^(?:(\S+)@)?(\S+)$/.exec(s);
  if (m) {
    const ip = normaliseIp(m[2] as string);
    if (ip) return { ip, rdns: null, ident: m[1] ? clean(m[1]) : null, helo: null, style: 'bare', forged: false, port: /^[0-9.]+:\d+$/.test(m[2] as string) };
  }
  // Obtuse smtpd "name(ip), claiming to be ..." arrives split; handled by the bare-word fallback.
  return null;
}

/** Fingerprints the receiving MTA from the `by` comments and the `with` text. */
/** One alternation for the MTA names written in `by`/`with` comments; the capture group that matched names the MTA. */
const MTA_COMMENT = /^(Postfix)\b|\b(Exim)\b|^(\d+\.\d+\.\d+[^ ]*\/[\d.]+|8\.\d+\.\d+)|(CommuniGate)|(Lotus Domino)|(MDaemon)|(Haraka)|(amavisd)|(Cyrus)|(qmail)|(Zimbra)|^(Scalix)\b/i;
const MTA_NAMES = ['postfix', 'exim', 'sendmail', 'communigate', 'domino', 'mdaemon', 'haraka', 'amavis', 'cyrus', 'qmail', 'zimbra', 'scalix'];

/** Fingerprints the receiving MTA from the `by` comments and the `with` text. */
function fingerprint(byComments: string[], withText: string, courierAuth: boolean, byHost: string | null): string | null {
  if (withText.length > 0) {
    if (/Microsoft SMTP ?Server|\bmapi\b/i.test(withText)) return 'exchange';
    if (/Microsoft SMTPSVC/i.test(withText)) return 'smtpsvc';
  }
  for (const c of byComments) {
    const m = MTA_COMMENT.exec(c);
    if (m) {
      for (let g = 1; g < m.length; g++) if (m[g] !== undefined) return MTA_NAMES[g - 1] ?? null;
    }
  }
  if (withText.length > 0 && /\bExim\b/i.test(withText)) return 'exim';
  if (byHost) {
    // Exchange Online writes "by HOST (ip)" and uses its datacentre names even for the HTTPS mailbox hop.
    if (/\.(?:outlook|office365)\.com$/i.test(byHost)) return 'exchange';
    if (/(?:^|\.)(?:google\.com|gmail\.com)$/i.test(byHost)) return 'gmail';
  }
  if (courierAuth) return 'courier';
  return null;
}

function empty(kind: ReceivedHop['kind'], note: string | null): ReceivedHop {
  return {
    kind, fromHelo: null, fromRdns: null, fromIp: null, ident: null, by: null, with: null, auth: false, tls: false,
    id: null, for: null, date: null, mta: null, note, byIp: null, flags: [],
  };
}

/** Collapses whitespace and control characters (NUL included) to single spaces; bounded. */
/** Cleans a value the tokeniser reported dirty (most are not: extractReceived already unfolds). */
function normaliseText(v: string): string {
  // Non-printing control characters (NUL included) are dropped, as rspamd does, so "1\085.243.30.90" stays
  // one address; line breaks, tabs and no-break spaces are whitespace.
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+/g, '').replace(/[\t\n\r \u00a0]+/g, ' ').trim();
}

/** One pass over the whole header for the rare markers that need the full text (instead of five regex scans). */
const RARE_MARKERS = /\(fetchmail|getmail|\bwith local\b|qmail-scanner|claiming to be|\(AUTH: /gi;
interface Markers {
  fetch: boolean;
  withLocal: boolean;
  qmailScanner: boolean;
  claiming: boolean;
  courierAuth: boolean;
}
function scanMarkers(text: string): Markers {
  const m: Markers = { fetch: false, withLocal: false, qmailScanner: false, claiming: false, courierAuth: false };
  RARE_MARKERS.lastIndex = 0;
  for (let hit = RARE_MARKERS.exec(text); hit !== null; hit = RARE_MARKERS.exec(text)) {
    const t = hit[0].toLowerCase();
    if (t === '(fetchmail' || t === 'getmail') m.fetch = true;
    else if (t === 'with local') m.withLocal = true;
    else if (t === 'qmail-scanner') m.qmailScanner = true;
    else if (t === 'claiming to be') m.claiming = true;
    else if (t === '(auth: ' && hit[0] === '(AUTH: ') m.courierAuth = true;
  }
  return m;
}

/**
 * Parses one Received value (unfolded, without the `Received:` name) into a hop. Never throws; linear in
 * the input (bounded by MAX_RECEIVED_VALUE_CHARS). The sending IP comes only from the TCP-info the
 * receiving MTA wrote, never from the HELO text.
 */
export function parseReceived(value: string): ReceivedHop {
  try {
    return parseInner(typeof value === 'string' ? value : '');
  } catch {
    return empty('unparsed', 'internal parse error');
  }
}

function parseInner(value: string): ReceivedHop {
  const cut = value.length > MAX_RECEIVED_VALUE_CHARS;
  let text = cut ? value.slice(0, MAX_RECEIVED_VALUE_CHARS) : value;
  // One pass finds parentheses, the date `;` and whether the text needs cleaning; only dirty text is rescanned.
  let tk = tokenise(text);
  if (tk.dirty) {
    text = normaliseText(text);
    tk = tokenise(text);
  }
  if (text === '') return empty('unparsed', 'empty header');
  const cl = group(tk.tokens);
  const hop = empty('unparsed', null);
  const flags: string[] = [];
  if (cut) flags.push('value-truncated');
  if (tk.truncated) flags.push('tokens-truncated');

  // Date (and Courier's id after the date).
  const date = parseReceivedDate(tk.tail);
  hop.date = date.iso;
  if (date.problem && date.problem !== 'missing') flags.push(`date-${date.problem}`);
  if (date.problem === 'missing') flags.push('date-missing');

  // A Norton-gateway style "(from x [ip]) by ..." leading comment is a from clause in parentheses.
  if (!cl.from && cl.lead.length > 0 && cl.lead[0]?.t === 'c' && /^from \S+ .*\[/i.test(cl.lead[0].s)) {
    const inner = tokenise(cl.lead[0].s).tokens;
    const sub = group(inner);
    cl.from = sub.from;
  }

  const byWords = words(cl.by);
  const byComments = comments(cl.by);
  const byHostRaw = byWords[0] ?? null;
  const withWords = words(cl.with);
  const withText = withWords.join(' ');
  // The protocol is one token, except Microsoft's multi-word "Microsoft SMTP Server" / "Microsoft SMTPSVC".
  const protoWords = withWords[0]?.toLowerCase() === 'microsoft' ? withWords.slice(0, 3) : withWords.slice(0, 1);
  const protoText = protoWords.length === 1 ? (protoWords[0] as string).toUpperCase() : protoWords.join(' ').toUpperCase();
  const proto = protoWords.length > 0 ? (protoText.endsWith(';') ? protoText.slice(0, -1) : protoText) : null;
  // The with-clause words upper-cased (usually one to three: a small array beats building a Set per header).
  const protoSet: string[] = [];
  for (const w of withWords) protoSet.push(w.endsWith(';') ? w.slice(0, -1).toUpperCase() : w.toUpperCase());
  const allText = text;
  const marks = scanMarkers(text);

  // A `by` that is not a host name or literal (spamware writes "by user@domain") is not recorded.
  hop.by = byHostRaw && !byHostRaw.includes('@') ? clean(trimTrailingPunct(byHostRaw)) : null;
  if (hop.by && (hop.by.startsWith('[') || /^[0-9a-fA-F:.]+$/.test(hop.by))) hop.byIp = normaliseIp(hop.by);
  for (const c of byComments) {
    if (hop.byIp) break;
    // Only comments that start like an address ("10.1.2.3", "2603:...", "[fe80::1%9]") can carry the by-IP.
    if (!/^\[?[0-9a-fA-F]*[.:]/.test(c)) continue;
    const sp = c.indexOf(' ');
    const first = sp === -1 ? c : c.slice(0, sp);
    const ip = normaliseIp(first);
    // The word without brackets or a %zone, to tell "10.1.2.3" (an address) from "10.1.2.3.4" (not one).
    let word = first.charCodeAt(0) === 91 ? first.slice(1) : first;
    if (word.endsWith(']')) word = word.slice(0, -1);
    const pct = word.indexOf('%');
    if (pct !== -1) word = word.slice(0, pct);
    if (ip && (word.includes(':') || ip === word)) hop.byIp = ip;
  }
  hop.with = proto ? clean(proto) : null;
  const idWord = firstWord(cl.id) ?? (tk.tail ? /\bid ([\w.+-]+)/i.exec(tk.tail)?.[1] : undefined) ?? null;
  hop.id = idWord ? clean(stripAngle(idWord.endsWith(';') || idWord.endsWith(',') ? idWord.slice(0, -1) : idWord)) : null;
  const forWord = firstWord(cl.for) ?? null;
  hop.for = forWord ? clean(stripAngle(forWord)) : null;
  const mtaComments = byComments.concat(comments(cl.with));
  if (cl.id) mtaComments.push(...comments(cl.id));
  hop.mta = fingerprint(mtaComments, withText, marks.courierAuth, hop.by);

  hop.auth = anyIn(AUTH_PROTOCOLS, protoSet) || anyComment(AUTH_COMMENT, tk.tokens) || (firstWord(cl.via) ?? '').toUpperCase() === 'HTTP';
  hop.tls = anyIn(TLS_PROTOCOLS, protoSet) || anyComment(TLS_COMMENT, tk.tokens) || byWords.includes('tls') || byWords.includes('TLS');
  hop.flags = flags;

  // Non-network hops first.
  const lead0 = cl.lead[0];
  if (!cl.from) {
    if (lead0?.t === 'c' && /^qmail \d+ (?:messnum \d+ )?invoked\b/i.test(lead0.s)) return ignored(hop, 'qmail invoked (local queue injection)');
    if (lead0?.t === 'c' && /^from \S*@|^from userid\b/i.test(lead0.s)) return ignored(hop, 'local submission');
    if (anyMatch(/\bfrom userid\b/i, byComments)) return ignored(hop, 'local submission (pickup)');
    if (cl.by) return ignored(hop, 'no from clause (internal or local hop)');
    if (marks.qmailScanner) return ignored(hop, 'qmail-scanner');
    hop.note = 'no from/by clause';
    return hop;
  }
  const fromTokens = cl.from;
  const fromWords = words(fromTokens);
  const fromComments = comments(fromTokens);
  const first = fromTokens[0]?.t === 'w' ? fromTokens[0].s : null;

  if (first && first.toLowerCase() === 'mail' && (fromWords[1] ?? '').toLowerCase() === 'pickup') return ignored(hop, 'mail pickup service');
  if (marks.fetch || anyIn(FETCH_PROTOCOLS, protoSet)) return ignored(hop, 'mailbox fetch (fetchmail/getmail POP/IMAP)', 'fetch');
  if (anyIn(LOCAL_PROTOCOLS, protoSet)) return ignored(hop, `local delivery (with ${withWords[0] ?? ''})`);
  if (marks.qmailScanner) return ignored(hop, 'qmail-scanner');
  if (anyMatch(/unix socket|^local\b/i, fromComments)) return ignored(hop, 'local socket');

  // TCP-info: the IP-bearing comments of the from clause.
  let helo: string | null = null;
  let heloComment = false;
  const infos: TcpInfo[] = [];
  let lastWasHelo = false;
  for (let ci = 0; ci < fromComments.length; ci++) {
    const c = fromComments[ci] as string;
    // The HELO forms start with h, e, l or a; helo=/port= with h or p: most comments ("[ip]", "using TLS...") skip the regexes.
    const c0 = c.charCodeAt(0) | 0x20;
    const hm = c0 === 104 || c0 === 101 || c0 === 108 || c0 === 97 ? (/^(?:HELO|EHLO|LHLO)(?:\s+(\S*))?$/i.exec(c) ?? /^account \S+ (?:HELO|EHLO)\s+(\S*)/i.exec(c)) : null;
    if (hm) {
      helo = hm[1] ? clean(hm[1]) : null;
      heloComment = true;
      lastWasHelo = true;
      continue;
    }
    if ((c0 === 104 || c0 === 112) && /^helo=|^port=/i.test(c)) {
      const h = /\bhelo=(\S+)/i.exec(c);
      if (h) helo = clean(h[1] as string);
      const id = /\bident=(\S+)/i.exec(c);
      if (id) hop.ident = clean(id[1] as string);
      continue;
    }
    const info = readTcpInfo(c);
    // A bare "(ip)" is TCP-info only as the first comment or right after qmail's "(HELO x)"; after an
    // unknown comment (spamware's "(HELLO x) (ip)") it is not, and the from literal is used instead.
    if (info && info.style === 'bare' && ci > 0 && !(heloComment && lastWasHelo)) {
      lastWasHelo = false;
      continue;
    }
    if (info) infos.push(info);
    lastWasHelo = false;
  }
  // Exim writes the client's HELO after the IP inside the same comment, so the first wins there; Postfix
  // and sendmail write the HELO before the comment, so a HELO shaped like a comment can only come first: take the last.
  const firstInfo = infos[0];
  const info = firstInfo && firstInfo.style === 'bracket-first' && (hop.mta === 'exim' || firstInfo.helo !== null) ? firstInfo : infos[infos.length - 1];

  const firstIsLiteral = first !== null && (first.startsWith('[') || (/^[0-9a-fA-F:.]+$/.test(first) && normaliseIp(first) !== null));
  if (info) {
    hop.fromIp = info.ip;
    hop.ident = hop.ident ?? info.ident;
    if (info.forged) flags.push('may-be-forged');
    if (info.style === 'name-bracket') {
      hop.fromHelo = first ? clean(first) : null;
      hop.fromRdns = info.rdns;
      if (heloComment) {
        hop.fromRdns = info.rdns;
        hop.fromHelo = helo;
      }
    } else if (info.style === 'bracket-first') {
      // Exim: first word is the verified rDNS ([ip] when none); helo= only when it differs (bug 5112).
      if (info.portInside) {
        // ecelerity: "rdns ([ip:port] helo=H)"; without helo= no HELO was recorded (e.g. an ECSTREAM injection).
        hop.fromRdns = firstIsLiteral ? null : cleanRdns(first);
        hop.fromHelo = info.helo ?? helo ?? hop.fromRdns;
        hop.mta = hop.mta ?? 'ecelerity';
      } else if (hop.mta === 'exim' || info.helo !== null || helo !== null) {
        hop.fromRdns = firstIsLiteral ? null : cleanRdns(first);
        hop.fromHelo = info.helo ?? helo ?? hop.fromRdns ?? (first ? clean(first) : null);
        hop.mta = hop.mta ?? 'exim';
      } else {
        // sendmail without rDNS, SMTPSVC, Domino, Courier: the first word is the HELO; no rDNS recorded
        // (CommuniGate's "verified" says the name was checked, so it is also the rDNS).
        hop.fromHelo = first ? clean(first) : null;
        hop.fromRdns = info.verified ? cleanRdns(first) : null;
      }
    } else if (hop.mta === 'exchange' || hop.mta === 'smtpsvc' || hop.mta === 'scalix' || info.port) {
      if (info.port) hop.mta = hop.mta ?? 'xmail';
      hop.fromHelo = first ? clean(first) : null;
      hop.fromRdns = null;
    } else {
      // qmail: first word is rDNS (or "unknown"); (HELO x) only when it differs (bug 2744). An address
      // literal there is no rDNS: it is the HELO as written (Critical Path's "from [ip] (ip)").
      hop.fromRdns = cleanRdns(first);
      hop.fromHelo = heloComment ? helo : firstIsLiteral && first ? clean(first) : hop.fromRdns;
      hop.mta = hop.mta ?? 'qmail';
    }
  } else {
    // No TCP-info comment: the MTA wrote the address as a from word ("from [ip]", "from 1.2.3.4",
    // "from name [ip]:port", MDaemon "from helo [ip]").
    let ip: string | null = null;
    let literalWord = -1;
    for (let i = 0; i < fromWords.length && i < 4; i++) {
      const w = (fromWords[i] as string).replace(/\[\(([0-9a-fA-F.:]{1,45})\)\]/g, '[$1]');
      if (w.startsWith('[') || (i === 0 && /^[0-9a-fA-F:.]+$/.test(w))) {
        ip = normaliseIp(w);
        if (ip) {
          literalWord = i;
          break;
        }
      }
    }
    // Obtuse smtpd: "from name(ip), claiming to be "helo" via SMTP by ...".
    const obtuse = !ip && first ? /^([^\s(]*)\(([0-9a-fA-F.:]{2,45})\),?$/.exec(first) : null;
    if (obtuse) {
      ip = normaliseIp(obtuse[2] as string);
      if (ip) {
        hop.fromIp = ip;
        hop.fromRdns = cleanRdns(obtuse[1]);
        const claim = marks.claiming ? /claiming to be "?([^"\s]*)"?/i.exec(allText) : null;
        hop.fromHelo = claim ? clean(claim[1] as string) : null;
        hop.mta = hop.mta ?? 'obtuse';
        ip = null;
      }
    }
    if (ip) {
      hop.fromIp = ip;
      if (literalWord === 0) {
        hop.fromHelo = helo;
        hop.fromRdns = null;
      } else {
        // Old Exim "from rdns (helo) [ip.port]": a bare host-name comment before the literal is the HELO.
        const nameComment = !heloComment && hop.mta === 'exim' ? fromComments.find((c) => /^[\w.-]+$/.test(c)) : undefined;
        hop.fromHelo = heloComment ? helo : nameComment ? clean(nameComment) : first ? clean(first) : null;
        hop.fromRdns = heloComment || hop.mta === 'exim' ? cleanRdns(first) : null;
      }
    } else if (!hop.fromIp) {
      hop.fromHelo = first ? clean(first) : helo;
    }
  }
  // Webmail ("from rdns ([ip]) (SquirrelMail authenticated user u)"): HTTP has no HELO; the name is the web
  // server's reverse lookup of the client (REMOTE_HOST).
  if (hop.fromIp && hop.auth && anyMatch(WEBMAIL_USER, fromComments)) {
    hop.fromHelo = null;
    hop.fromRdns = firstIsLiteral ? null : cleanRdns(first);
  }
  // GMX's submission servers ("by mail.gmx.net (mpNNN)") only accept authenticated users (SpamAssassin bug 6877).
  if (!hop.auth && heloComment && hop.fromIp && hop.by && /^mail\.gmx\.(?:net|com|de)$/i.test(hop.by) && anyMatch(/^mp\d+$/i, byComments)) hop.auth = true;
  if (hop.fromHelo && /^\[?(?:IPv6:)?[0-9a-fA-F:.]+\]?$/.test(hop.fromHelo) && normaliseIp(hop.fromHelo)) flags.push('helo-literal');

  if (hop.fromIp) {
    hop.kind = 'relay';
    if (anyIn(LOCAL_UNLESS_IP, protoSet) || marks.withLocal) flags.push('local-protocol-with-address');
    return hop;
  }
  if (anyIn(LOCAL_UNLESS_IP, protoSet) || marks.withLocal) return ignored(hop, `local delivery (with ${withWords[0] ?? 'local'})`);
  if (first && /^localhost$/i.test(first)) return ignored(hop, 'local hop without address');
  // Forms that never record an address, which SpamAssassin also skips: "from user@host by ..." (local
  // submission), "from x with LMTP by ..." (local delivery) and a bare "from NAME by HOST" with no TCP-info.
  if (first && first.includes('@')) return ignored(hop, 'local submission (from user@host)');
  if (protoSet.includes('LMTP') || protoSet.includes('LMTPA')) return ignored(hop, 'local delivery (LMTP without address)');
  if (first && fromTokens.length === 1 && cl.by) return ignored(hop, 'name-only hop (no address recorded)');
  // "from NAME (host.name) by ..." / "from NAME (unverified) by ...": the comments hold names only, no address was
  // recorded (LSMTP, Clearswift); SpamAssassin skips these too. Anything else in the comment stays unparsed.
  if (first && cl.by && fromWords.length === 1 && fromComments.length > 0 && fromComments.every(nameOnlyComment)) return ignored(hop, 'name-only hop (no address recorded)');
  hop.kind = 'unparsed';
  hop.note = cl.by ? 'no sending IP in the from clause' : 'no by clause and no sending IP';
  return hop;
}

/**
 * A comment that is only a dotted host name (`dl1.example.com`) or `unverified`: no address, no user, no spaces.
 * `(unknown)` is not one: it is TCP-info whose address is missing (SendGrid), which stays unparsed.
 */
function nameOnlyComment(c: string): boolean {
  if (c.length === 10 && c.toLowerCase() === 'unverified') return true;
  return c.length <= 255 && c.includes('.') && /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.?$/.test(c) && /[A-Za-z]/.test(c) && normaliseIp(c) === null;
}

function ignored(hop: ReceivedHop, note: string, flag?: string): ReceivedHop {
  hop.kind = 'ignored';
  hop.note = note;
  if (flag) hop.flags = [...(hop.flags ?? []), flag];
  return hop;
}
