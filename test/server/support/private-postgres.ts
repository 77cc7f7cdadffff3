import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process.js';

/** Where Debian keeps PostgreSQL's server binaries, newest version first. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
}

/** True where a throwaway PostgreSQL cluster can be made: Debian's binaries and root (to run them as postgres). */
export function canRunPrivatePostgres(): boolean {
  return !!binDir() && typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * A throwaway PostgreSQL cluster of the test's own, so a test can restart the database under
 * load without disturbing the machine's PostgreSQL that other tests share.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = binDir();
    if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'credit-chat-pg-'));
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
    const pg = new PrivatePostgres(bin, dir, await freePort());
    pg.asPostgres('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    pg.ctl('start');
    return pg;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private asPostgres(tool: string, args: string[]): void {
    execFileSync('runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args], { stdio: 'ignore' });
  }

  private ctl(action: 'start' | 'restart' | 'stop', mode = 'fast'): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    const args = ['-D', this.dataDir, '-w', '-l', join(this.dir, 'log'), action];
    if (action !== 'start') args.push('-m', mode);
    if (action !== 'stop') args.push('-o', options);
    this.asPostgres('pg_ctl', args);
  }

  /**
   * Restarts the database as a crash would: immediate shutdown, recovery on start. Runs
   * pg_ctl without blocking, so the clients of a test keep sending while the database is down.
   */
  async crashRestart(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await promisify(execFile)('runuser', [
      '-u', 'postgres', '--', join(this.bin, 'pg_ctl'),
      '-D', this.dataDir, '-w', '-l', join(this.dir, 'log'), 'restart', '-m', 'immediate', '-o', options,
    ]);
  }

  stop(): void {
    try {
      this.ctl('stop', 'immediate');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
