import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Signals that mean k6 crashed rather than was asked to stop. SIGKILL from outside is, on
 * Lambda, almost always the out-of-memory killer; the others are faults in the process.
 */
const CRASH_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set([
  'SIGKILL',
  'SIGSEGV',
  'SIGABRT',
  'SIGBUS',
  'SIGILL',
]);

/** A running k6 with the last lines of its stderr kept for error reports. */
export class K6Process {
  private tail: string[] = [];
  /** Signals this runner sent: a death by one of them is a stop we asked for, not a crash. */
  private readonly sent = new Set<NodeJS.Signals>();
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
    this.sent.add(signal);
    this.child.kill(signal);
    const timer = setTimeout(() => {
      this.sent.add('SIGKILL');
      this.child.kill('SIGKILL');
    }, graceMs);
    await this.done;
    clearTimeout(timer);
  }

  /** The signal that killed k6 when nobody here sent it and it means a crash (see CRASH_SIGNALS). */
  crashSignal(): NodeJS.Signals | undefined {
    const signal = this.exit?.signal;
    return signal && CRASH_SIGNALS.has(signal) && !this.sent.has(signal) ? signal : undefined;
  }

  /**
   * Maps how k6 ended to a k6 exit code: a crash signal (see crashSignal) is 255, like any
   * other k6 error; any other signal death is an external abort (105).
   */
  exitCode(): number | null {
    if (!this.exit) return null;
    if (this.exit.code !== null) return this.exit.code;
    return this.crashSignal() ? 255 : 105;
  }

  /** How k6 ended, for a runner's reason: the signal's name when it was killed. */
  describeExit(): string {
    const crash = this.crashSignal();
    if (crash === 'SIGKILL') return 'k6 was killed by SIGKILL (on Lambda usually the out-of-memory killer)';
    if (crash) return `k6 crashed (${crash})`;
    if (this.exit?.signal) return `k6 ended by ${this.exit.signal}`;
    return `k6 exited with code ${this.exitCode()}`;
  }
}
