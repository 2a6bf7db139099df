import { spawn } from 'node:child_process';

/**
 * The machine's floor for start skew: n Node processes sleep until one shared instant the
 * way a runner waits for the barrier (a timer to 15 ms before, then setImmediate until it)
 * and report how late they woke (ms). No k6, no I/O: only CPU scheduling.
 */
export async function wakeLateness(n: number, leadMs = 1500): Promise<number[]> {
  const at = Date.now() + leadMs;
  const child = `
const at = ${at};
const coarse = at - Date.now() - 15;
if (coarse > 0) await new Promise((r) => setTimeout(r, coarse));
while (Date.now() < at) await new Promise((r) => setImmediate(r));
process.stdout.write(String(Date.now() - at));
`;
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<number>((resolve, reject) => {
          const c = spawn(process.execPath, ['--input-type=module', '-e', child], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          c.stdout.setEncoding('utf8').on('data', (d: string) => {
            out += d;
          });
          c.on('exit', (code) =>
            code === 0 ? resolve(Number(out)) : reject(new Error(`probe exited ${code}`)),
          );
        }),
    ),
  );
}
