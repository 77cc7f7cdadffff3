import { execFileSync } from 'node:child_process';

/**
 * DATABASE_URL when it is set; otherwise a fresh database of this name on the machine's
 * PostgreSQL (127.0.0.1:5432, user postgres), dropped and created again for each run.
 */
export function benchDatabase(name: string): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, '-c', `CREATE DATABASE ${name}`]);
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}
