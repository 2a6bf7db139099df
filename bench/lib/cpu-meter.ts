import { readdir, readFile } from 'node:fs/promises';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of one process in ms, and its command name; undefined once it is gone. */
export async function processCpu(pid: number): Promise<{ cpuMs: number; comm: string } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    return { cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS, comm };
  } catch {
    return undefined;
  }
}

async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  try {
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
      for (const c of text.split(' ')) if (c.trim()) out.push(Number(c));
    }
  } catch {
    // gone
  }
  return out;
}

/**
 * Samples the CPU of every process in the trees under roots into `last` (pid → latest
 * sample). A process's last sample stands for its total once it has exited.
 */
export async function treeCpu(
  roots: number[],
  last: Map<number, { cpuMs: number; comm: string }>,
): Promise<void> {
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const cpu = await processCpu(pid);
    if (cpu) last.set(pid, cpu);
    queue.push(...(await childrenOf(pid)));
  }
}
