// Where the capacity bench's processes run and what they cost: the server and the PostgreSQL
// backends serving it pinned to core 0 (backends pinned as they appear), the load generator to
// core 1, and the CPU time of the pinned side read from /proc.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';

const TICK_MS = 1000 / 100; // USER_HZ, 100 on Linux

/** Whether pinning is possible here: taskset exists and there are two cores or more. */
export function canPin(): boolean {
  return os.availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
}

/** Pins a process and all its threads to one core. */
export function pin(pid: number, core: number): void {
  spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

/** User + system CPU time of a process (all its threads), ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return 0;
  }
}

/**
 * Keeps the serving processes and every PostgreSQL backend connected to `database` on `core`, and
 * sums their CPU time: the cost of serving, on one core.
 */
export class PinnedSide {
  /** Each backend's CPU time as last read: a backend that has exited keeps what it used. */
  private readonly backends = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private admin: pg.Client | null = null;

  constructor(
    private readonly adminUrl: string,
    private readonly database: string,
    /** The serving processes (one or two instances, and Redis when there is one). */
    private readonly servicePids: number[],
    private readonly core: number,
    /** Where the backends go: the server's core, unless profiling the server alone. */
    private readonly databaseCore: number = core,
  ) {}

  async start(): Promise<void> {
    for (const pid of this.servicePids) pin(pid, this.core);
    this.admin = new pg.Client({ connectionString: this.adminUrl });
    await this.admin.connect();
    await this.sweep();
    this.timer = setInterval(() => void this.sweep().catch(() => {}), 200);
  }

  private async sweep(): Promise<void> {
    const { rows } = await this.admin!.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [this.database]);
    for (const { pid } of rows) {
      if (this.backends.has(pid)) continue;
      this.backends.set(pid, 0);
      pin(pid, this.databaseCore);
    }
  }

  /** CPU time so far: the server's and its backends'. */
  cpuMs(): { server: number; database: number } {
    let database = 0;
    for (const [pid, last] of this.backends) {
      const now = Math.max(last, cpuMs(pid));
      this.backends.set(pid, now);
      database += now;
    }
    return { server: this.servicePids.reduce((sum, pid) => sum + cpuMs(pid), 0), database };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.admin?.end().catch(() => {});
  }
}
