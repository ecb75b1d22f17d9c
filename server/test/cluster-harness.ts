// Processes for tests of real servers: api-server instances and a Redis of the test's own, on fixed
// ports, that a test can kill and start again (clients for them are in sim-client.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../db/embedded.ts';
import { TRPC_WS_PATH } from '../http/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const API_SERVER = fileURLToPath(new URL('./api-server.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;
/** How long a stop waits for the process to exit before it kills it (the server's own deadline is 10 s). */
const STOP_DEADLINE_MS = 10_000;

export { freePort };

/** Polls `condition` until it holds; on timeout fails with what `describe` says is still missing. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${describe()}`);
    await pause(50);
  }
}

/** How a process ended: its exit code, or the signal that ended it (null: it was not running). */
export type Ending = number | string | null;

// Every child still running, killed if this process exits first (a crashed or killed test worker).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A child process that is started by waiting for a line it prints, and stopped by a signal. */
export abstract class ChildService {
  private child: ChildProcess | null = null;
  /** Set once the test is over: nothing may start the process again (a failed test's fault injector). */
  disposed = false;
  /** The last lines the process wrote, shown if it fails to start. */
  private readonly output: string[] = [];

  constructor(readonly port: number) {}

  protected abstract readonly name: string;
  protected abstract spawnChild(): ChildProcess;
  protected abstract isReadyLine(text: string): boolean;

  /** The process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    const child = this.child;
    return child !== null && child.exitCode === null && child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.disposed) throw new Error('the test is over');
    const child = this.spawnChild();
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const remember = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 40));
    };
    child.stderr!.on('data', remember);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${this.name} did not start: ${err.message}\n${this.output.join('\n')}`));
      };
      child.once('exit', (code, signal) => fail(new Error(`exited with ${code ?? signal}`)));
      child.once('error', fail);
      child.stdout!.on('data', (chunk: Buffer) => {
        remember(chunk);
        if (this.isReadyLine(chunk.toString())) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve();
        }
      });
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop('SIGTERM');
  }

  /**
   * SIGKILL (a crash: nothing drained, nothing said to clients) or SIGTERM (the graceful path).
   * Returns how the process ended: an exit code, or the signal that ended it.
   */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<Ending> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return null;
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    const [code, endedBy] = await exited;
    clearTimeout(timer);
    return code ?? endedBy;
  }
}

/** `server/test/api-server.ts` in a child process, on a fixed port so it can be restarted where clients look. */
export class ServerProcess extends ChildService {
  protected readonly name = 'api-server';

  /**
   * `settings`: environment for this instance on top of the test run's (NODE_ID, REDIS_URL, …);
   * `nodeArgs`: options for node itself (--cpu-prof, which NODE_OPTIONS refuses); `args`: the
   * server script's own (--profile-dir).
   */
  constructor(
    port: number,
    private readonly settings: Record<string, string> = {},
    private readonly nodeArgs: string[] = [],
    private readonly args: string[] = [],
  ) {
    super(port);
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}${TRPC_WS_PATH}`;
  }

  protected spawnChild(): ChildProcess {
    return spawn(process.execPath, [...this.nodeArgs, '--import', 'tsx', API_SERVER, ...this.args], {
      cwd: ROOT,
      env: {
        ...process.env, // DATABASE_URL and DATA_DIR (the auth secret) of this test run
        PORT: String(this.port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `http://localhost:${this.port}`,
        LOG_LEVEL: 'error',
        ...this.settings,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  protected isReadyLine(text: string): boolean {
    return text.includes(`READY ${this.port}`);
  }

  /** GET /readyz: its status code, or 0 when nothing answers within 3 s. */
  async readiness(): Promise<number> {
    try {
      const res = await fetch(`${this.httpUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
      await res.body?.cancel();
      return res.status;
    } catch {
      return 0;
    }
  }
}

/** A redis-server of the test's own (no persistence), so it can be killed and started again on its port. */
export class RedisProcess extends ChildService {
  protected readonly name = 'redis-server';

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected spawnChild(): ChildProcess {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir()];
    return spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  protected isReadyLine(text: string): boolean {
    return text.includes('Ready to accept connections');
  }
}
