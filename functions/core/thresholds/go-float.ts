/**
 * Numbers as Go's strconv.ParseFloat reads them, because k6 parses the right-hand side of a
 * threshold and bare-number durations with it: `1e3`, `.5`, `5.`, `1_000` (underscores only
 * between digits), hex floats with a binary exponent (`0x1p-2`), `Inf`/`+Infinity`/`NaN`.
 * Returns null when Go would reject the text (including values that overflow a float64).
 */
export function parseGoFloat(text: string): number | null {
  const special = parseSpecial(text);
  if (special !== undefined) return special;
  const value = DECIMAL.test(text) ? Number(text.replaceAll('_', '')) : parseHexFloat(text);
  if (value === null || Number.isNaN(value) || !Number.isFinite(value)) return null;
  return value;
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const DECIMAL = new RegExp(
  String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`,
);
const HEX_DIGITS = '[0-9a-fA-F](?:_?[0-9a-fA-F])*';
const HEX = new RegExp(
  String.raw`^([+-]?)0[xX]_?(?:(${HEX_DIGITS})(?:\.(${HEX_DIGITS})?)?|\.(${HEX_DIGITS}))[pP]([+-]?${DIGITS})$`,
);

function parseSpecial(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^[+]?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  // Go accepts NaN only without a sign.
  if (lower === 'nan') return Number.NaN;
  return undefined;
}

function parseHexFloat(text: string): number | null {
  const m = HEX.exec(text);
  if (!m) return null;
  const [, sign, intPart = '', fracPart = '', onlyFrac = '', exp = '0'] = m;
  const intDigits = intPart.replaceAll('_', '');
  const fracDigits = (fracPart || onlyFrac).replaceAll('_', '');
  let mantissa = intDigits ? Number.parseInt(intDigits, 16) : 0;
  for (let i = 0; i < fracDigits.length; i++) {
    mantissa += Number.parseInt(fracDigits[i]!, 16) / 16 ** (i + 1);
  }
  const value = mantissa * 2 ** Number(exp.replaceAll('_', ''));
  return sign === '-' ? -value : value;
}
