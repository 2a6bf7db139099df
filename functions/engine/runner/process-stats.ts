import { readFile } from 'node:fs/promises';
import type { RunnerProcessStats } from '../../contracts';

const CLOCK_TICKS = 100; // USER_HZ on Linux

async function procSample(
  pid: number,
): Promise<{ cpuMs: number; rssBytes: number; peakRssBytes: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    return { cpuMs, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

/** CPU and memory of the runner and its k6 between two samples, with peaks kept. */
export class ProcessStatsSampler {
  private last = { at: Date.now(), self: process.cpuUsage(), k6CpuMs: 0 };
  peakRssBytes = 0;
  peakK6RssBytes = 0;

  constructor(private readonly k6Pid: () => number | undefined) {}

  async sample(): Promise<RunnerProcessStats> {
    const at = Date.now();
    const wallMs = Math.max(1, at - this.last.at);
    const self = process.cpuUsage();
    const selfMs = (self.user - this.last.self.user + self.system - this.last.self.system) / 1000;
    const rssBytes = process.memoryUsage.rss();
    // maxRSS is the kernel's high-water mark (KiB): peaks between samples count too.
    this.peakRssBytes = Math.max(this.peakRssBytes, rssBytes, process.resourceUsage().maxRSS * 1024);
    const pid = this.k6Pid();
    const k6 = pid ? await procSample(pid) : undefined;
    const out: RunnerProcessStats = { cpuPercent: (selfMs / wallMs) * 100, rssBytes };
    if (k6) {
      out.k6CpuPercent = Math.max(0, ((k6.cpuMs - this.last.k6CpuMs) / wallMs) * 100);
      out.k6RssBytes = k6.rssBytes;
      this.peakK6RssBytes = Math.max(this.peakK6RssBytes, k6.rssBytes, k6.peakRssBytes);
    }
    this.last = { at, self, k6CpuMs: k6?.cpuMs ?? this.last.k6CpuMs };
    return out;
  }
}
