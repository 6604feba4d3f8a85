// Keeps credentials out of evidence: of an AUTH line only the mechanism is kept, never its response or the lines answering it.

/** Shown in place of credentials in transcripts and anomaly details. */
export const WITHHELD = '[credentials withheld]';

/**
 * SASL mechanisms (IANA "SASL Mechanisms" registry, plus the common non-standard ones). Only a name from
 * this list is kept: the word after AUTH is client input and may itself be a credential (a bot that
 * sends `AUTH <base64>` without a mechanism).
 */
const MECHANISMS = new Set([
  'PLAIN',
  'LOGIN',
  'CRAM-MD5',
  'DIGEST-MD5',
  'NTLM',
  'GSSAPI',
  'GSS-SPNEGO',
  'XOAUTH',
  'XOAUTH2',
  'OAUTHBEARER',
  'SCRAM-SHA-1',
  'SCRAM-SHA-1-PLUS',
  'SCRAM-SHA-256',
  'SCRAM-SHA-256-PLUS',
  'SCRAM-SHA-512',
  'SCRAM-SHA-512-PLUS',
  'ANONYMOUS',
  'EXTERNAL',
  'OTP',
  'SKEY',
  'SECURID',
  'KERBEROS_V4',
  'KERBEROS_V5',
  'SRP',
  'EAP-AES128',
  'EAP-AES128-PLUS',
  'XCLIENT',
]);

/** Single-word SMTP commands: a line that is one of these after an AUTH line is a command, not a SASL response. */
const BARE_COMMANDS = new Set(['DATA', 'RSET', 'NOOP', 'QUIT', 'HELP', 'TURN', 'STARTTLS', 'EHLO', 'HELO', 'LHLO', 'AUTH']);
/** `AUTH`, then the mechanism word, then (optionally) an initial response. */
const AUTH_LINE = /^(auth)(?:([ \t]+)(\S*)(.*))?\r?$/is;
/** A SASL response line (RFC 4954 4): base64, `=` for an empty response, `*` to cancel. */
const SASL_RESPONSE = /^(?:[A-Za-z0-9+/]+=*|=|\*)\r?$/;
/** HTTP credentials in an open proxy's preamble: the scheme is kept, the token is not. */
const HTTP_AUTH_HEADER = /^((?:proxy-)?authorization:[ \t]*)(\S*)(.*)$/is;

/** The mechanism an AUTH line names, upper-cased, or `unknown` (not a known name) / `none` (no word). */
export function saslMechanism(line: string): string {
  const m = AUTH_LINE.exec(line.trim());
  const word = m?.[3] ?? '';
  if (word === '') return 'none';
  const name = word.toUpperCase();
  return MECHANISMS.has(name) ? name : 'unknown';
}

/**
 * One client line (CR/LF stripped or not) with credentials withheld. `afterAuth`: the lines before it
 * since the last AUTH line were all SASL responses, so this one may be too (AUTH LOGIN sends user and
 * password on lines of their own). Returns the line to show and whether the next line may be a response.
 */
export function redactLine(line: string, afterAuth: boolean): { line: string; afterAuth: boolean } {
  const auth = AUTH_LINE.exec(line);
  if (auth !== null) {
    const [, verb, space = '', word = '', rest = ''] = auth;
    if (word === '') return { line, afterAuth: true };
    const shown = MECHANISMS.has(word.toUpperCase()) ? word : WITHHELD;
    const cr = line.endsWith('\r') ? '\r' : '';
    return { line: `${verb}${space}${shown}${rest.trim() === '' ? '' : ' ' + WITHHELD}${cr}`, afterAuth: true };
  }
  if (afterAuth && SASL_RESPONSE.test(line) && !BARE_COMMANDS.has(line.trim().toUpperCase())) {
    return { line: WITHHELD + (line.endsWith('\r') ? '\r' : ''), afterAuth: true };
  }
  const http = HTTP_AUTH_HEADER.exec(line);
  if (http !== null && http[2] !== '') {
    const [, name, scheme, token = ''] = http;
    const cr = line.endsWith('\r') ? '\r' : '';
    // "Basic <token>" keeps its scheme; a lone word may be the token itself.
    return { line: token.trim() === '' ? `${name}${WITHHELD}${cr}` : `${name}${scheme} ${WITHHELD}${cr}`, afterAuth: false };
  }
  return { line, afterAuth: false };
}

/**
 * Client bytes (any number of lines, the last may be cut short) with credentials withheld, for an
 * anomaly detail or a transcript. Bytes without "auth" in them come back as they are.
 */
export function withoutCredentials(bytes: Buffer, afterAuth = false): Buffer {
  const text = bytes.toString('latin1');
  if (!afterAuth && !/auth/i.test(text)) return bytes;
  let after = afterAuth;
  let out = '';
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const r = redactLine(text.slice(start, end), after);
    after = r.afterAuth;
    out += r.line + (nl < 0 ? '' : '\n');
    start = end + 1;
  }
  return Buffer.from(out, 'latin1');
}
