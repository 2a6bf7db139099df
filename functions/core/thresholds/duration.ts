import { parseGoFloat } from './go-float';
import { ThresholdError } from './threshold-errors';

const NS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const COMPONENT = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

/**
 * A k6 duration in milliseconds, read the way k6 reads option durations such as
 * `delayAbortEval`, `duration` or `gracefulStop` (k6's `types.ParseExtendedDuration`):
 * - a number, or a string that is a plain number → milliseconds (`1500`, `'1500'`, `'2.5'`);
 * - a Go duration: one or more `<number><unit>` with units h, m, s, ms, us, µs, ns
 *   (`'1m30s'`, `'1.5h'`, `'500ms'`), optionally signed;
 * - a whole number of days in front: `'2d'`, `'1d12h'`.
 * Throws ThresholdError with the accepted forms when the text is none of these.
 */
export function parseK6Duration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input))
      throw new ThresholdError(`invalid duration ${input}: must be a finite number`);
    return input;
  }
  const text = input.trim();
  const asNumber = parseGoFloat(text);
  if (asNumber !== null) {
    if (!Number.isFinite(asNumber)) throw invalid(input);
    return asNumber;
  }
  const dPos = text.indexOf('d');
  if (dPos < 0) return parseGoDurationNs(text, input) / 1e6;

  const daysText = text.slice(0, dPos);
  if (!/^[+-]?\d+$/.test(daysText)) throw invalid(input);
  const days = Number(daysText);
  const rest = text.slice(dPos + 1);
  let restNs = 0;
  if (rest !== '') {
    restNs = parseGoDurationNs(rest, input);
    if (restNs < 0) throw invalid(input);
  }
  // As in k6: a negative day count makes the whole duration negative.
  const sign = days < 0 ? -1 : 1;
  return (Math.abs(days) * 24 * 3600e9 + restNs) * (sign / 1e6);
}

/** Go's time.ParseDuration, in nanoseconds. */
function parseGoDurationNs(text: string, original: string): number {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid(original);
  let total = 0;
  while (rest !== '') {
    const m = COMPONENT.exec(rest);
    if (!m) throw invalid(original);
    const [whole, intPart = '', fracPart, unit = ''] = m;
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw invalid(original);
    // The unit runs until the next digit or dot; it must be one Go knows.
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) throw invalid(original, unit);
    total += Number(`${intPart || '0'}.${fracPart ?? ''}0`) * perUnit;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

function invalid(original: string, unit?: string): ThresholdError {
  const why = unit === undefined ? '' : ` (unknown unit "${unit}")`;
  return new ThresholdError(
    `invalid duration "${original}"${why}: use a number of milliseconds (1500) or a k6/Go duration ` +
      `such as "500ms", "10s", "1m30s", "1.5h", "2d" (units: d, h, m, s, ms, us, µs, ns)`,
  );
}
