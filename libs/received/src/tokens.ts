// Bounded single-pass tokeniser for one Received value: words and parenthesised comments, split at the date `;`.
import { MAX_COMMENT_DEPTH, MAX_RECEIVED_VALUE_CHARS, MAX_TOKENS } from './limits.js';

/** A word (`w`) or a comment (`c`, text without the outer parentheses). */
export interface Token {
  t: 'w' | 'c';
  s: string;
}

export interface Tokenised {
  tokens: Token[];
  /** Text after the last top-level `;` (the date, plus any trailing comments or Courier `id`), or null. */
  tail: string | null;
  /** True when the token cap or an unbalanced parenthesis cut the scan short. */
  truncated: boolean;
}

const SPACE = 32;
const LPAREN = 40;
const RPAREN = 41;
const SEMI = 59;

/** Finds the last `;` outside parentheses (the date separator); -1 if none. Linear. */
function lastTopLevelSemicolon(s: string): number {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LPAREN) depth++;
    else if (c === RPAREN) {
      if (depth > 0) depth--;
    } else if (c === SEMI && depth === 0) last = i;
  }
  // Unbalanced text: fall back to the last `;` anywhere so the date is still found.
  if (last === -1 && depth > 0) last = s.lastIndexOf(';');
  return last;
}

/**
 * Splits `s` (already whitespace-collapsed) into tokens. The word right after `from` runs to the next
 * space even through parentheses, because it is the HELO the client chose and may contain `(`.
 * An unbalanced `(` is treated as a literal character so it cannot swallow the rest of the header.
 */
export function tokenise(s: string): Tokenised {
  const semi = lastTopLevelSemicolon(s);
  const head = semi === -1 ? s : s.slice(0, semi);
  const tail = semi === -1 ? null : s.slice(semi + 1).trim();
  const tokens: Token[] = [];
  let truncated = false;
  let i = 0;
  const n = head.length;
  let afterFrom = false;
  const match = matchParens(head);
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
  return { tokens, tail, truncated };
}

/**
 * Scratch buffers for matchParens, allocated once: inputs are capped at MAX_RECEIVED_VALUE_CHARS, and
 * per-call allocation of large arrays showed up as non-linear GC cost on hostile inputs.
 */
const MATCH = new Int32Array(MAX_RECEIVED_VALUE_CHARS + 1);
const STACK = new Int32Array(MAX_RECEIVED_VALUE_CHARS + 1);

/** For each `(`, the index of its matching `)` (or -1 when unbalanced), computed with one stack pass into MATCH. */
function matchParens(s: string): Int32Array {
  const n = Math.min(s.length, MATCH.length);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === LPAREN) {
      MATCH[i] = -1;
      STACK[top++] = i;
    } else if (c === RPAREN && top > 0) MATCH[STACK[--top] as number] = i;
  }
  return MATCH;
}

/** Keeps comment text as is unless it nests deeper than MAX_COMMENT_DEPTH, then flattens the parentheses. */
function depthLimited(s: string): string {
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
