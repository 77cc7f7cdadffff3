import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'credit-chat-secret';

export interface SecretSource {
  /** CREDIT_CHAT_SECRET or an explicit option */
  configured?: string;
  /** the PGlite data directory; undefined for PostgreSQL and for an in-memory PGlite */
  dataDir?: string;
  storeKind: 'pglite' | 'postgres';
  warn?: (message: string) => void;
}

/**
 * The secret BYOK keys are encrypted with:
 * - CREDIT_CHAT_SECRET when set (production; the same on every instance);
 * - else, on PGlite with a data directory (`npm start`, a single server), a random secret
 *   kept in `<data dir>/credit-chat-secret` (mode 0600), created on first start with a
 *   warning: the keys live in that directory, so does the secret that opens them;
 * - else, on an in-memory PGlite, a random secret for this process (its data dies with it);
 * - else (PostgreSQL without the variable) none: PUT /byok is refused with 403, because
 *   a secret of one instance would not open the keys for the others.
 */
export function resolveServerSecret(source: SecretSource): string | undefined {
  if (source.configured) return source.configured;
  if (source.storeKind === 'postgres') {
    source.warn?.('credit-chat: CREDIT_CHAT_SECRET is not set: BYOK is off (PUT /byok answers 403).');
    return undefined;
  }
  if (!source.dataDir) return randomBytes(32).toString('base64url');
  const path = join(source.dataDir, SECRET_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(source.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  source.warn?.(`credit-chat: CREDIT_CHAT_SECRET is not set: generated one in ${path} to encrypt BYOK keys. Keep it with the data; set CREDIT_CHAT_SECRET in production.`);
  return secret;
}
