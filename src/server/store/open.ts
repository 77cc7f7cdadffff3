import type { Store } from './store.js';

export interface StoreConfig {
  /** PostgreSQL connection string; when set, PostgreSQL is used. */
  databaseUrl?: string;
  /** PGlite data directory; undefined with no databaseUrl means in memory. */
  dataDir?: string;
  /** PostgreSQL connections per server process (default 8) */
  databasePoolSize?: number;
}

/** PostgreSQL when a URL is given, else the embedded PGlite store. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(config.databaseUrl, config.databasePoolSize);
  }
  const { openPgliteStore } = await import('./pglite.js');
  return openPgliteStore(config.dataDir);
}
