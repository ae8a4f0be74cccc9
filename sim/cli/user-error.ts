/**
 * A mistake in what the user typed or wrote (flag, file, value). The CLI prints its message and
 * exits 1 without a stack trace; anything else is a bug and keeps its trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}
