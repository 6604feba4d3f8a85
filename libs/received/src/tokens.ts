// Bounded single-pass tokeniser for one Received value: words and parenthesised comments, split at the date `;`.
import { MAX_COMMENT_DEPTH, MAX_RECEIVED_VALUE_CHARS, MAX_TOKENS } from './limits.js';

/** A word (`w`) or a comment (`c`, text without the outer parentheses). */
export interface Token {
  t: 'w' | 'c';
  s: string;
}

export interface Tokenised {
  /** True when the input had control characters, no-break spaces or runs of spaces: the caller cleans and retokenises. */
  dirty: boolean;
  tokens: Token[];
  /** Text after the last top-level `;` (the date, plus any trailing comments or Courier `id`), or null. */
  tail: string | null;
  /** True when the token cap or an unbalanced parenthesis cut the scan short. */
  truncated: boolean;
}

const SPACE = 32;
const LPAREN = 40;
const RPAREN = 41;


/**
 * Splits `s` (already whitespace-collapsed) into tokens. The word right after `from` runs to the next
 * space even through parentheses, because it is the HELO the client chose and may contain `(`.
 * An unbalanced `(` is treated as a literal character so it cannot swallow the rest of the header.
 */
export function tokenise(s: string): Tokenised {
  const semi = matchParensAndSemicolon(s);
  if (scanDirty) return { dirty: true, tokens: [], tail: null, truncated: false };
  const head = semi === -1 ? s : s.slice(0, semi);
  const tail = semi === -1 ? null : s.slice(semi + 1).trim();
  const tokens: Token[] = [];
  let truncated = false;
  let i = 0;
  const n = head.length;
  let afterFrom = false;
  const match = MATCH;
  while (i < n) {
    if (tokens.length >= MAX_TOKENS) {
      truncated = true;
      break;
    }
    const c = head.charCodeAt(i);
    if (c === SPACE) {
      i++;
      continue;
    }
    if (c === RPAREN) {
      i++; // stray close: ignore
      continue;
    }
    if (c === LPAREN) {
      const j = match[i] as number;
      if (j > i) {
        const inner = head.slice(i + 1, j).trim();
        tokens.push({ t: 'c', s: depthLimited(inner) });
        afterFrom = false;
        i = j + 1;
        continue;
      }
      // Unbalanced: the `(` becomes part of a word (fall through), keeping the scan linear.
      truncated = true;
    }
    let j = i + 1;
    if (afterFrom) {
      while (j < n && head.charCodeAt(j) !== SPACE) j++;
    } else {
      while (j < n) {
        const d = head.charCodeAt(j);
        if (d === SPACE || d === LPAREN || d === RPAREN) break;
        j++;
      }
    }
    const word = head.slice(i, j);
    tokens.push({ t: 'w', s: word });
    afterFrom = word.length === 4 && word.toLowerCase() === 'from';
    i = j;
  }
  return { dirty: false, tokens, tail, truncated };
}

/**
 * Scratch buffers for matchParens, allocated once: inputs are capped at MAX_RECEIVED_VALUE_CHARS, and
 * per-call allocation of large arrays showed up as non-linear GC cost on hostile inputs.
 */
const MATCH = new Int32Array(MAX_RECEIVED_VALUE_CHARS + 1);
const STACK = new Int32Array(MAX_RECEIVED_VALUE_CHARS + 1);

/**
 * One stack pass over `s`: fills MATCH (for each `(`, the index of its `)`, or -1 when unbalanced) and returns
 * the last `;` outside parentheses (the date separator), or -1. With unbalanced text the last `;` anywhere.
 * A `(` whose partner lies after the returned `;` is unbalanced within the head the tokeniser scans.
 */
let scanDirty = false;

/** Characters the parser must clean first: control characters (tab and line breaks too), DEL, no-break space. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const DIRTY_CHAR = /[\x00-\x1f\x7f\xa0]/;

/** True when `t` needs cleaning: a DIRTY_CHAR, a run of spaces or a space at either end (cheap checks, no alternation). */
function isDirty(t: string): boolean {
  return t.length > 0 && (t.charCodeAt(0) === SPACE || t.charCodeAt(t.length - 1) === SPACE || DIRTY_CHAR.test(t) || t.includes('  '));
}
function matchParensAndSemicolon(s: string): number {
  const n = Math.min(s.length, MATCH.length);
  let top = 0;
  let last = -1;
  let lastAny = -1;
  // Jump from one "(", ")" or ";" to the next with indexOf (V8 searches strings natively) instead of looking at
  // every character in a loop: a header has ~250 characters and ~10 of these.
  let lp = s.indexOf('(');
  let rp = s.indexOf(')');
  let sc = s.indexOf(';');
  for (;;) {
    let i = lp;
    if (rp !== -1 && (i === -1 || rp < i)) i = rp;
    if (sc !== -1 && (i === -1 || sc < i)) i = sc;
    if (i === -1 || i >= n) break;
    if (i === lp) {
      MATCH[i] = -1;
      STACK[top++] = i;
      lp = s.indexOf('(', i + 1);
    } else if (i === rp) {
      if (top > 0) MATCH[STACK[--top] as number] = i;
      rp = s.indexOf(')', i + 1);
    } else {
      lastAny = i;
      if (top === 0) last = i;
      sc = s.indexOf(';', i + 1);
    }
  }
  scanDirty = isDirty(n === s.length ? s : s.slice(0, n));
  if (last === -1 && top > 0 && lastAny !== -1) {
    // Unbalanced text: split at the last `;` anywhere; parentheses closing beyond it do not close within the head.
    // (At a top-level `;` every earlier `(` is already closed, so this pass is only needed here.)
    last = lastAny;
    for (let i = 0; i < last; i++) if (s.charCodeAt(i) === LPAREN && (MATCH[i] as number) > last) MATCH[i] = -1;
  }
  return last;
}

/** Keeps comment text as is unless it nests deeper than MAX_COMMENT_DEPTH, then flattens the parentheses. */
function depthLimited(s: string): string {
  if (s.indexOf('(') === -1) return s; // no nesting at all: the common case
  let depth = 0;
  let max = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LPAREN) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === RPAREN) depth--;
  }
  return max > MAX_COMMENT_DEPTH ? s.replace(/[()]/g, ' ') : s;
}
