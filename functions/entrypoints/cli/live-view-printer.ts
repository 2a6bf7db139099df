/** Where the CLI writes: a stream and whether it is a terminal. */
export interface CliOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Prints successive live views: redrawn in place on a terminal, else (CI logs) one every
 * `everyMs` and the final one, as local mode does.
 */
export function liveViewPrinter(
  out: CliOutput,
  tty: boolean,
  everyMs = 5000,
  now: () => number = Date.now,
): (view: string, final: boolean) => void {
  let drawnLines = 0;
  let lastPrint = Number.NEGATIVE_INFINITY;
  return (view, final) => {
    if (tty) {
      out.write(`${drawnLines ? `\x1b[${drawnLines}A\x1b[J` : ''}${view}\n`);
      drawnLines = view.split('\n').length;
    } else if (final || now() - lastPrint > everyMs) {
      lastPrint = now();
      out.write(`${view}\n`);
    }
  };
}
