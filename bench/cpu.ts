// CPU time spent by processes, read from /proc (Linux), to say where a throughput run's
// cores went: the load generator, the server, the database.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU milliseconds of one process, or 0 when it is gone or /proc is absent. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU milliseconds of every running process with this command name (e.g. all PostgreSQL backends). */
export function commandCpuMs(command: string): Map<number, number> {
  const result = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return result;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command) result.set(Number(pid), processCpuMs(Number(pid)));
    } catch {
      // exited meanwhile
    }
  }
  return result;
}

/** CPU milliseconds the processes spent between two `commandCpuMs` readings (processes that exited are not counted). */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
