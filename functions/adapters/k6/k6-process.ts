import { type ChildProcess, spawn } from 'node:child_process';

/** A running k6 with the last lines of its stderr kept for error reports. */
export class K6Process {
  private tail: string[] = [];
  private readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(readonly child: ChildProcess) {
    this.done = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      child.on('error', (err) => {
        this.push(`spawn error: ${err.message}`);
        this.exit = { code: 255, signal: null };
        resolve(this.exit);
      });
    });
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) this.push(l);
    });
    // k6 writes nothing we need to stdout with --quiet; drain it so it never blocks.
    child.stdout?.resume();
  }

  static spawn(k6Path: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): K6Process {
    return new K6Process(spawn(k6Path, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  private push(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Last stderr lines, k6's JSON log lines reduced to level + message. */
  stderrTail(lines = 15): string {
    return this.tail
      .slice(-lines)
      .map((l) => {
        try {
          const j = JSON.parse(l) as { level?: string; msg?: string; error?: string };
          return `${j.level ?? ''}: ${j.msg ?? ''}${j.error ? ` (${j.error})` : ''}`;
        } catch {
          return l;
        }
      })
      .join('\n');
  }

  wait(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.done;
  }

  /** Sends signal, escalating to SIGKILL when k6 has not exited after graceMs. */
  async terminate(signal: NodeJS.Signals = 'SIGINT', graceMs = 10_000): Promise<void> {
    if (this.exit) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.done;
    clearTimeout(timer);
  }

  /** Maps how k6 ended to a k6 exit code (a signal death counts as external abort). */
  exitCode(): number | null {
    if (!this.exit) return null;
    if (this.exit.code !== null) return this.exit.code;
    return 105;
  }
}
