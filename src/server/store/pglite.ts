import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import { migrate, withRetries, type SqlClient, type Store } from './store.js';

interface Queryable {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(text: string): Promise<unknown>;
}

function client(db: Queryable): SqlClient {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      // Parameterless text may hold several statements (migrations): exec runs them all.
      if (!params || params.length === 0) {
        const results = (await db.exec(text)) as { rows: Row[] }[];
        return results.at(-1)?.rows ?? [];
      }
      return (await db.query<Row>(text, [...params])).rows;
    },
  };
}

/**
 * The embedded store: PostgreSQL compiled to WASM, in this process, data in a directory
 * (or in memory when `dataDir` is undefined). One connection; PGlite runs one query at a time.
 */
export async function openPgliteStore(dataDir?: string): Promise<Store> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
  } catch (err) {
    unlock();
    throw err;
  }
  await db.exec("SET TIME ZONE 'UTC'");
  const store: Store = {
    kind: 'pglite',
    ...client(db),
    transaction: (work) => withRetries(() => db.transaction((tx) => work(client(tx as unknown as Queryable)))),
    listen: async (channel, onNotify) => {
      const stop = await db.listen(channel, () => onNotify());
      return () => stop();
    },
    async close() {
      await db.close();
      unlock();
    },
  };
  await migrate(store, async () => {});
  return store;
}
