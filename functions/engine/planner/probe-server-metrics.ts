import { scrapePrometheus } from '../../adapters/prometheus/prometheus-scrape';
import { type ServerMetricSource, sourceLabel } from '../../contracts';
import { InvalidInputError } from '../../core/planner/plan-errors';
import { seriesFilter } from '../../core/server-metrics/series-select';

/** Checks a CloudWatch source (AWS mode: GetMetricData); throws with AWS's message. */
export type CloudWatchProbe = (source: Extract<ServerMetricSource, { kind: 'cloudwatch' }>) => Promise<void>;

export interface ProbeOptions {
  /** Absent (local mode): CloudWatch sources are refused, only the AWS watcher reads them. */
  readonly cloudwatch?: CloudWatchProbe;
  /** @default 3000 */
  readonly timeoutMs?: number;
}

/**
 * One read of every server metric source before any load: an unreachable endpoint, a
 * page that is not a Prometheus exposition, or a selection that matches nothing is a bad
 * input (exit 104 naming the source and the error), unless the source is `optional`:
 * then it is a warning and the run reads it anyway (its failures are counted).
 */
export async function probeServerMetrics(
  sources: readonly ServerMetricSource[],
  options: ProbeOptions = {},
): Promise<string[]> {
  const warnings: string[] = [];
  const problems: string[] = [];
  await Promise.all(
    sources.map(async (source, i) => {
      try {
        await probeOne(source, options);
      } catch (error) {
        const text = `serverMetrics[${i}] ${sourceLabel(source)}: ${(error as Error).message}`;
        (source.optional ? warnings : problems).push(text);
      }
    }),
  );
  if (problems.length > 0) {
    throw new InvalidInputError(
      `server metrics cannot be read (mark a source optional, or --server-metrics-optional, to run without it): ${problems.sort().join('; ')}`,
    );
  }
  return warnings.sort();
}

async function probeOne(source: ServerMetricSource, options: ProbeOptions): Promise<void> {
  if (source.kind === 'cloudwatch') {
    if (options.cloudwatch === undefined) {
      throw new Error('CloudWatch sources are read by the AWS watcher: run with --stack');
    }
    await options.cloudwatch(source);
    return;
  }
  const scrape = await scrapePrometheus(source.url, { timeoutMs: options.timeoutMs ?? 3000 });
  if (!scrape.samples.some(seriesFilter(source.select))) {
    throw new Error(
      `the selection ${JSON.stringify(source.select)} matches none of its ${scrape.samples.length} samples`,
    );
  }
}
