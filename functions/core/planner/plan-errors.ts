/** A bad input the user can fix; the message says how. Maps to k6's exit 104. */
export class InvalidInputError extends Error {
  readonly exitCode: number = 104;
}

/** The script itself failed (syntax, init exception). Maps to k6's exit 107. */
export class ScriptError extends InvalidInputError {
  override readonly exitCode: number = 107;
}
