// Finds the connecting IPv4 address written into a host name: dotted/dashed/x/underscore octets in any order, zero-padded, split, hex, 32-bit decimal.
import { parseIp } from '@spamtrap/ip';

export type EmbeddedForm = 'octets' | 'reversed' | 'split' | 'padded' | 'hex' | 'decimal';

export interface EmbeddedIp {
  form: EmbeddedForm;
  /** 4 = the whole address; 3 = three octets of it (partial evidence, lower weight). */
  octets: 4 | 3;
}

function octetsOf(ip: string): [number, number, number, number] | null {
  const c = parseIp(ip);
  if (c === null || c.includes(':')) return null;
  return c.split('.').map(Number) as [number, number, number, number];
}

function seqAt(nums: number[], i: number, want: readonly number[]): boolean {
  for (let k = 0; k < want.length; k++) if (nums[i + k] !== want[k]) return false;
  return true;
}

function findSeq(nums: number[], want: readonly number[]): boolean {
  for (let i = 0; i + want.length <= nums.length; i++) if (seqAt(nums, i, want)) return true;
  return false;
}

/**
 * Does `name` embed the IPv4 `ip`? Looks at digit runs (`024`, `210`, ...) in order, so any
 * separator works (`-`, `.`, `x`, `_`, letters). Checks, strongest first: the four octets forward,
 * reversed, or split with the last octet first (`118.Red-80-35-201` for 80.35.201.118); 12-digit
 * zero-padded runs; 8-digit hex (`0xd5aaf40b`, `pD9E4F89F`, either byte order); the 32-bit
 * decimal; then three octets as partial evidence. IPv6 is not checked (names rarely embed it).
 */
export function findEmbeddedIp(rawName: string, ip: string): EmbeddedIp | null {
  const o = octetsOf(ip);
  if (o === null) return null;
  const name = rawName.toLowerCase();
  const [a, b, c, d] = o;
  const runs: string[] = name.match(/\d+/g) ?? [];
  const nums: number[] = [];
  let padded = false;
  for (const r of runs) {
    if (r.length === 12) {
      // 213087012005: four zero-padded octets written together.
      const parts = [r.slice(0, 3), r.slice(3, 6), r.slice(6, 9), r.slice(9, 12)].map(Number);
      if (seqAt(parts, 0, o) || seqAt(parts, 0, [d, c, b, a])) return { form: 'padded', octets: 4 };
    }
    if (r.length === 6 || r.length === 9) {
      // 227055 / 062163227: zero-padded octets written together; each 3-digit group is an octet.
      for (let k = 0; k < r.length; k += 3) nums.push(Number(r.slice(k, k + 3)));
      padded = true;
      continue;
    }
    nums.push(r.length <= 3 ? Number(r) : -1);
    if (r.length === 3 && r.startsWith('0')) padded = true;
  }
  if (findSeq(nums, o)) return { form: padded ? 'padded' : 'octets', octets: 4 };
  if (findSeq(nums, [d, c, b, a])) return { form: 'reversed', octets: 4 };
  if (findSeq(nums, [d, a, b, c])) return { form: 'split', octets: 4 };
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  const hex = n.toString(16).padStart(8, '0');
  const hexRev = (((d << 24) >>> 0) + (c << 16) + (b << 8) + a).toString(16).padStart(8, '0');
  if (hasHexRun(name, hex) || hasHexRun(name, hexRev)) return { form: 'hex', octets: 4 };
  if (runs.includes(String(n))) return { form: 'decimal', octets: 4 };
  if (findSeq(nums, [b, c, d]) || findSeq(nums, [d, c, b]) || findSeq(nums, [a, b, c]) || findSeq(nums, [c, b, a])) {
    return { form: padded ? 'padded' : 'octets', octets: 3 };
  }
  return null;
}

/** The 8 hex digits as a whole run: not preceded or followed by another hex digit (a `p` or `0x` prefix is fine). */
function hasHexRun(name: string, hex: string): boolean {
  let from = 0;
  for (;;) {
    const i = name.indexOf(hex, from);
    if (i < 0) return false;
    const before = i === 0 ? '' : name[i - 1]!;
    const after = name[i + 8] ?? '';
    // `0x` and letter prefixes (`p`, `x`) end in a non-hex character, so they pass this test.
    if (!/[0-9a-f]/.test(before) && !/[0-9a-f]/.test(after)) return true;
    from = i + 1;
  }
}
