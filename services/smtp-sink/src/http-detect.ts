// Recognises HTTP request lines sent to the SMTP port: the signature of open-proxy abuse and proxy scanners.

/** Methods that show up on port 25 when a proxy (or a proxy checker) forwards HTTP verbatim. */
const HTTP_LINE = /^(GET|POST|HEAD|PUT|OPTIONS|DELETE|TRACE|PATCH|CONNECT) (\S+) HTTP\/\d(?:\.\d)?\s*$/i;

export type HttpKind = 'HTTP_REQUEST' | 'PROXY_CONNECT';

/** The anomaly code for one line of client input, or null when it is not an HTTP request line. */
export function detectHttp(line: string): { code: HttpKind; method: string; target: string } | null {
  const m = HTTP_LINE.exec(line);
  if (m === null) return null;
  const method = m[1]!.toUpperCase();
  return { code: method === 'CONNECT' ? 'PROXY_CONNECT' : 'HTTP_REQUEST', method, target: m[2]! };
}

/**
 * Printable, bounded rendering of client bytes: printable ASCII as is, CR/LF/TAB as \r \n \t,
 * everything else (NUL, binary, 8-bit) as \xHH. Never longer than `maxChars` (plus an ellipsis).
 */
export function escapeBytes(buf: Buffer, maxChars: number): string {
  let out = '';
  for (const b of buf) {
    let piece: string;
    if (b === 0x0d) piece = '\\r';
    else if (b === 0x0a) piece = '\\n';
    else if (b === 0x09) piece = '\\t';
    else if (b === 0x5c) piece = '\\\\';
    else if (b >= 0x20 && b < 0x7f) piece = String.fromCharCode(b);
    else piece = `\\x${b.toString(16).padStart(2, '0')}`;
    if (out.length + piece.length > maxChars) return out + '…';
    out += piece;
  }
  return out;
}

/** Split raw client bytes into lines (CRLF or bare LF), keeping at most `maxLines`; the last may be partial. */
export function splitLines(buf: Buffer, maxLines: number): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < buf.length && lines.length < maxLines) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) {
      lines.push(buf.subarray(start));
      break;
    }
    const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    lines.push(buf.subarray(start, end));
    start = nl + 1;
  }
  return lines;
}
