import pg from 'pg';
import { ApiError } from '../errors.js';
import { migrate, withRetries, type Store } from './store.js';

// bigint columns carry millicredits; every amount the ledger allows is a safe integer.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * The connection was lost (terminated, database restarting, unreachable). The statement either
 * committed or rolled back whole; the client retries with its idempotency key and learns which.
 */
function connectionLost(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (/^(08|57P0)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  return err instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message);
}

function unavailable(err: unknown): never {
  if (connectionLost(err)) {
    throw new ApiError('unavailable', 'The database is unavailable; retry shortly with the same idempotency key.', {}, { 'Retry-After': '1' });
  }
  throw err;
}

/**
 * LISTEN on a connection of its own (outside the pool, whose connections come and go). A lost
 * or refused connection is tried again every second until stopped; a notification missed
 * meanwhile is what the listener's own polling is for.
 */
async function listenOn(connectionString: string, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const again = () => {
    if (stopped) return;
    retry = setTimeout(() => void connect(), 1_000);
    retry.unref();
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    const lost = () => {
      next.end().catch(() => {});
      if (client === next) {
        client = undefined;
        again();
      }
    };
    next.on('error', lost);
    next.on('end', lost);
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      next.end().catch(() => {});
      return again();
    }
    if (stopped) return void next.end().catch(() => {});
    client = next;
    // whatever was sent while no connection listened
    onNotify();
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => {});
  };
}

/** A lock number that says "credit-chat migrations" to pg_advisory_xact_lock. */
const MIGRATION_LOCK = 0x63_63_6d_67;

/**
 * PostgreSQL through a `pg` pool: many server processes can share one database. A few
 * connections per database core serve best: a ledger call is CPU in the database and a wait
 * for the WAL flush, and more backends than that only queue for the cores and the row locks
 * (measured on two cores: 8 connections gave more pairs/s and a lower p99 than 16 or 24).
 */
export async function openPostgresStore(connectionString: string, poolSize = 8): Promise<Store> {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    types: types as pg.CustomTypesConfig,
    options: '-c TimeZone=UTC',
  });
  // A connection the database dropped (restart, terminate) must not crash the process.
  pool.on('error', () => {});
  // Parameterized statements are prepared once per connection under a name: the ledger
  // sends the same few statements thousands of times.
  const names = new Map<string, string>();
  const query = async <Row>(runner: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) => {
    if (!params || params.length === 0) return (await runner.query(text)).rows as Row[];
    let name = names.get(text);
    if (!name) names.set(text, (name = `cc_${names.size + 1}`));
    return (await runner.query({ name, text, values: [...params] })).rows as Row[];
  };

  const store: Store = {
    kind: 'postgres',
    query: <Row>(text: string, params?: readonly unknown[]) => withRetries(() => query<Row>(pool, text, params)).catch(unavailable),
    transaction: (work) =>
      withRetries(async () => {
        const conn = await pool.connect();
        let broken = false;
        try {
          await conn.query('BEGIN');
          const result = await work({ query: (text, params) => query(conn, text, params) });
          await conn.query('COMMIT');
          return result;
        } catch (err) {
          await conn.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw err;
        } finally {
          conn.release(broken);
        }
      }).catch(unavailable),
    listen: (channel, onNotify) => listenOn(connectionString, channel, onNotify),
    close: () => pool.end(),
  };
  await migrate(store, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  });
  return store;
}
