// The one error type the stack raises: a single line saying what is wrong and what to do about it.

/** A stack failure whose message is one line fit to print as is (cause + remedy). */
export class StackError extends Error {
  override name = 'StackError';
}
