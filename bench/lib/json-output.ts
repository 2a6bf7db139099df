import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Values of one metric's samples in a k6 `--out json` file, streamed line by line (a
 * 100k-request run writes hundreds of MB across all metrics).
 */
export async function jsonOutputValues(file: string, metric: string): Promise<number[]> {
  const values: number[] = [];
  const needle = `"metric":"${metric}"`;
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (!line.includes('"type":"Point"') || !line.includes(needle)) continue;
    values.push((JSON.parse(line) as { data: { value: number } }).data.value);
  }
  return values;
}
