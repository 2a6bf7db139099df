/** A threshold selector, expression or option that k6 would reject (exit 104). */
export class ThresholdError extends Error {
  override readonly name = 'ThresholdError';
}
