/** Prints a Markdown table, aligned as biome formats Markdown (reads in a terminal, pastes into a README). */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [`\n### ${title}\n`, line(header), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) out.push(line(r));
  process.stdout.write(`${out.join('\n')}\n\n`);
}
