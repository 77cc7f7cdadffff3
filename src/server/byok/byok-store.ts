import type { ByokProvider, ByokStatus, PutByokRequest } from '../../contract/index.js';
import type { ProviderSettings } from '../ai/index.js';
import { ApiError } from '../errors.js';
import type { BuilderContext, Clock } from '../ledger/ledger.js';
import type { SqlClient } from '../store/store.js';
import { KeyDecryptError, keyHint, type KeyCipher } from './key-cipher.js';
import { privateUrlReason } from './public-url.js';

/** A workspace's stored key as the table holds it: the key only encrypted. */
export interface StoredByok {
  provider: ByokProvider;
  model: string | null;
  baseUrl: string | null;
  keyHint: string;
  ciphertext: string;
  updatedAt: Date;
}

interface ByokRow {
  provider: ByokProvider;
  model: string | null;
  base_url: string | null;
  key_hint: string;
  key_ciphertext: string;
  updated_at: Date | string;
}

const NO_KEY: ByokStatus = { enabled: false, provider: null, model: null, baseUrl: null, keyHint: null, updatedAt: null };

function statusOf(stored: StoredByok | null): ByokStatus {
  if (!stored) return NO_KEY;
  return {
    enabled: true,
    provider: stored.provider,
    model: stored.model,
    baseUrl: stored.baseUrl,
    keyHint: stored.keyHint,
    updatedAt: stored.updatedAt.toISOString(),
  };
}

export interface ByokStoreOptions {
  /** undefined when the server has no secret: keys can be neither stored nor read */
  cipher?: KeyCipher;
  allowPrivateUrls?: boolean;
  clock: Clock;
}

/**
 * The workspaces' own provider keys (BYOK). The key is encrypted before it reaches the
 * database and decrypted only to call the provider; what leaves this module is a hint.
 */
export class ByokStore {
  constructor(
    private readonly db: SqlClient,
    private readonly options: ByokStoreOptions,
  ) {}

  async stored(workspaceId: string): Promise<StoredByok | null> {
    const rows = await this.db.query<ByokRow>(
      'SELECT provider, model, base_url, key_hint, key_ciphertext, updated_at FROM byok_keys WHERE workspace_id = $1',
      [workspaceId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      provider: row.provider,
      model: row.model,
      baseUrl: row.base_url,
      keyHint: row.key_hint,
      ciphertext: row.key_ciphertext,
      updatedAt: new Date(row.updated_at),
    };
  }

  async status(workspaceId: string): Promise<ByokStatus> {
    return statusOf(await this.stored(workspaceId));
  }

  async put(ctx: BuilderContext, request: PutByokRequest): Promise<ByokStatus> {
    const cipher = this.options.cipher;
    if (!cipher) throw new ApiError('forbidden', 'BYOK is off on this server: it needs CREDIT_CHAT_SECRET to encrypt keys.');
    const refused = request.baseUrl && !this.options.allowPrivateUrls ? await privateUrlReason(request.baseUrl) : null;
    if (refused) {
      throw new ApiError('invalid_input', `baseUrl: must not name localhost or a private network address (${refused})`, { field: 'baseUrl' });
    }
    const now = this.options.clock.now();
    const hint = keyHint(request.apiKey);
    await this.db.query(
      `INSERT INTO byok_keys (workspace_id, provider, model, base_url, key_ciphertext, key_hint, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (workspace_id) DO UPDATE SET provider = EXCLUDED.provider, model = EXCLUDED.model,
         base_url = EXCLUDED.base_url, key_ciphertext = EXCLUDED.key_ciphertext, key_hint = EXCLUDED.key_hint,
         updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [
        ctx.workspaceId,
        request.provider,
        request.model ?? null,
        request.baseUrl ?? null,
        cipher.encrypt(request.apiKey, ctx.workspaceId),
        hint,
        ctx.builder,
        now,
      ],
    );
    return statusOf({
      provider: request.provider,
      model: request.model ?? null,
      baseUrl: request.baseUrl ?? null,
      keyHint: hint,
      ciphertext: '',
      updatedAt: now,
    });
  }

  async remove(workspaceId: string): Promise<ByokStatus> {
    await this.db.query('DELETE FROM byok_keys WHERE workspace_id = $1', [workspaceId]);
    return NO_KEY;
  }

  /** The provider settings with the key in clear, for one call to the provider. */
  decrypt(workspaceId: string, stored: StoredByok): ProviderSettings {
    const cipher = this.options.cipher;
    let apiKey: string;
    try {
      if (!cipher) throw new KeyDecryptError('no secret');
      apiKey = cipher.decrypt(stored.ciphertext, workspaceId);
    } catch (err) {
      if (!(err instanceof KeyDecryptError)) throw err;
      throw new ApiError(
        'conflict',
        "The workspace's stored provider key cannot be read with this server's CREDIT_CHAT_SECRET; store the key again (PUT /byok).",
      );
    }
    const settings: ProviderSettings = { provider: stored.provider, apiKey };
    if (stored.baseUrl) settings.baseUrl = stored.baseUrl;
    if (stored.model) settings.model = stored.model;
    return settings;
  }
}
