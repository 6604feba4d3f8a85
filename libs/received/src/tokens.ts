// Bounded single-pass tokeniser for one Received value: words and parenthesised comments, split at the date `;`.
import { MAX_COMMENT_DEPTH, MAX_TOKENS } from './limits.js';

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

/** For each `(`, the index of its matching `)` (or -1 when unbalanced), computed with one stack pass. */
function matchParens(s: string): Int32Array {
  const match = new Int32Array(s.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LPAREN) stack.push(i);
    else if (c === RPAREN && stack.length > 0) match[stack.pop() as number] = i;
  }
  return match;
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
