import { readFile } from 'node:fs/promises';
import { treeCpu } from './cpu-meter';

/** VmRSS and VmHWM (the kernel's own peak-RSS mark) of one process, in bytes. */
async function memory(pid: number): Promise<{ rss: number; hwm: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Samples the resident memory of every process in a tree (e.g. a runner and its k6) until
 * stopped; per command name it keeps the largest VmRSS seen and the last VmHWM read,
 * which the kernel keeps as the true peak however short it was.
 */
export class RssTracker {
  readonly byComm = new Map<string, { maxRss: number; hwm: number; samples: number[] }>();
  private readonly timer: NodeJS.Timeout;
  private busy: Promise<void> | undefined;

  constructor(
    private readonly roots: () => number[],
    periodMs = 250,
  ) {
    this.timer = setInterval(() => {
      this.busy ??= this.sample().finally(() => {
        this.busy = undefined;
      });
    }, periodMs);
  }

  private async sample(): Promise<void> {
    const procs = new Map<number, { cpuMs: number; comm: string }>();
    await treeCpu(this.roots(), procs);
    for (const [pid, { comm }] of procs) {
      const m = await memory(pid);
      if (!m) continue;
      const e = this.byComm.get(comm) ?? { maxRss: 0, hwm: 0, samples: [] };
      e.maxRss = Math.max(e.maxRss, m.rss);
      e.hwm = Math.max(e.hwm, m.hwm);
      e.samples.push(m.rss);
      this.byComm.set(comm, e);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }
}
