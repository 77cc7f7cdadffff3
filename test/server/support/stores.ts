import { describe } from 'node:test';
import { openPgliteStore } from '../../../src/server/store/pglite.js';
import { openPostgresStore } from '../../../src/server/store/postgres.js';
import type { Store } from '../../../src/server/store/store.js';

export interface StoreKind {
  name: 'pglite' | 'postgres';
  open(): Promise<Store>;
}

/**
 * The stores every ledger test runs on: PGlite always, PostgreSQL when DATABASE_URL is set
 * (npm test says once, in its own output, when it is not). Workspaces have random ids, so
 * test files can share one PostgreSQL database.
 */
export const STORES: StoreKind[] = [
  { name: 'pglite', open: () => openPgliteStore() },
  ...(process.env.DATABASE_URL
    ? [{ name: 'postgres' as const, open: () => openPostgresStore(process.env.DATABASE_URL!) }]
    : []),
];

/** Registers `suite` once per store. */
export function onEachStore(title: string, suite: (kind: StoreKind) => void): void {
  for (const kind of STORES) describe(`${title} [${kind.name}]`, () => suite(kind));
}

/** A clock the tests move by hand. */
export class TestClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
