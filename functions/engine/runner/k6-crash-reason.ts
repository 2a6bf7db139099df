import type { K6Process } from '../../adapters/k6/k6-process';
import type { ProcessStatsSampler } from './process-stats';

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/**
 * Why k6 ended, for a runner's result. A crash names the signal and the memory high-water
 * marks, so an out-of-memory kill on Lambda reads as one: the runner and k6 share the
 * function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, set by Lambda) and the kernel kills
 * the biggest process when it runs out.
 */
export function k6EndReason(
  k6: K6Process,
  stats: Pick<ProcessStatsSampler, 'peakRssBytes' | 'peakK6RssBytes'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const what = k6.describeExit();
  if (!k6.crashSignal()) return what;
  const configured = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  const peaks = [
    `runner peak memory ${mib(stats.peakRssBytes + stats.peakK6RssBytes)}`,
    `(k6 ${mib(stats.peakK6RssBytes)}, runner process ${mib(stats.peakRssBytes)})`,
    configured > 0 ? `of ${configured} MB configured` : '',
  ];
  return `${what}; ${peaks.filter(Boolean).join(' ')}`;
}
