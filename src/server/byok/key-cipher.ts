import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Shorter secrets are refused at startup: the key is derived from it, not stretched. */
export const MIN_SECRET_CHARS = 16;

/** The stored key could not be decrypted: another secret, or a tampered row. */
export class KeyDecryptError extends Error {
  override readonly name = 'KeyDecryptError';
}

/**
 * Encrypts BYOK keys at rest with AES-256-GCM. The AES key is derived from the server
 * secret with HKDF-SHA256; the workspace id is the additional authenticated data, so a
 * ciphertext copied to another workspace's row does not decrypt.
 */
export class KeyCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_CHARS) {
      throw new Error(`CREDIT_CHAT_SECRET must be at least ${MIN_SECRET_CHARS} characters (e.g. openssl rand -base64 32)`);
    }
    this.key = Buffer.from(hkdfSync('sha256', secret, 'credit-chat', 'byok key encryption v1', 32));
  }

  encrypt(plaintext: string, workspaceId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(workspaceId, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  decrypt(stored: string, workspaceId: string): string {
    const [format, iv, tag, body] = stored.split('.');
    if (format !== FORMAT || iv === undefined || tag === undefined || body === undefined) throw new KeyDecryptError('not a stored key of this version');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(workspaceId, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyDecryptError('the stored key does not decrypt with this server secret');
    }
  }
}

/**
 * What may be shown of a key: its vendor prefix (`sk-`, `sk-ant-`, `xai-`) and, for keys
 * long enough that it gives little away, its last four characters: `sk-…abcd`.
 */
export function keyHint(apiKey: string): string {
  const prefix = /^(?:[A-Za-z]{2,4}-){1,2}/.exec(apiKey)?.[0] ?? '';
  const tail = apiKey.length - prefix.length >= 16 ? apiKey.slice(-4) : '';
  return `${prefix}…${tail}`;
}
