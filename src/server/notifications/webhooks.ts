import { randomBytes } from 'node:crypto';
import type {
  CreateWebhookRequest,
  WebhookDeliveriesQuery,
  WebhookDeliveriesResponse,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventType,
} from '../../contract/index.js';
import { ApiError } from '../errors.js';
import type { Clock } from '../ledger/ledger.js';
import { newId } from '../ledger/ids.js';
import type { Store } from '../store/store.js';

/** How long the previous secret keeps signing after a rotation, so receivers can switch over. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 3_600_000;

/** A signing secret in the form the standardwebhooks libraries read: whsec_ + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

interface EndpointRow {
  id: string;
  url: string;
  events: WebhookEventType[] | null;
  created_at: string;
  previous_until: string | null;
  secret?: string;
}

interface DeliveryRow {
  event_id: string;
  type: WebhookEventType;
  status: WebhookDelivery['status'];
  attempts: number;
  created_at: string;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

const ENDPOINT_COLUMNS = `id, url, events, cc_iso(created_at) AS created_at,
  CASE WHEN previous_secret_until > $2 THEN cc_iso(previous_secret_until) END AS previous_until`;

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return { id: row.id, url: row.url, events: row.events, createdAt: row.created_at, previousSecretExpiresAt: row.previous_until };
}

function withSecret(row: EndpointRow): WebhookEndpointWithSecret {
  return { ...toEndpoint(row), secret: row.secret! };
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string' && !Number.isNaN(Date.parse(parsed[0]))) {
      return [parsed[0], parsed[1]];
    }
  } catch {
    // fall through
  }
  throw new ApiError('invalid_input', 'cursor: not a cursor this API gave out', { field: 'cursor' });
}

/**
 * The webhook endpoints of workspaces (admin API and CLI). An endpoint's URL is the admin's
 * choice and may be a private address: only the admin token configures it.
 */
export class WebhookEndpoints {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(workspaceId: string, input: CreateWebhookRequest): Promise<WebhookEndpointWithSecret> {
    const now = this.clock.now();
    const rows = await this.store.query<EndpointRow>(
      `INSERT INTO webhook_endpoints (id, workspace_id, url, events, secret, created_at)
       SELECT $3, id, $4, $5::text[], $6, $2 FROM workspaces WHERE id = $1
       RETURNING ${ENDPOINT_COLUMNS}, secret`,
      [workspaceId, now, newId('wh'), input.url, input.events ?? null, newWebhookSecret()],
    );
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
    return withSecret(rows[0]);
  }

  async list(workspaceId: string): Promise<WebhookEndpoint[]> {
    await this.requireWorkspace(workspaceId);
    const rows = await this.store.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
      [workspaceId, this.clock.now()],
    );
    return rows.map(toEndpoint);
  }

  /** Removes an endpoint: nothing more is sent to it, its pending deliveries are cancelled. */
  async remove(workspaceId: string, hookId: string): Promise<WebhookEndpoint> {
    const rows = await this.store.query<EndpointRow>(
      `WITH gone AS (
         UPDATE webhook_endpoints SET deleted_at = $2 WHERE id = $3 AND workspace_id = $1 AND deleted_at IS NULL
         RETURNING ${ENDPOINT_COLUMNS}),
       cancelled AS (
         UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL
         WHERE endpoint_id IN (SELECT id FROM gone) AND status = 'pending')
       SELECT * FROM gone`,
      [workspaceId, this.clock.now(), hookId],
    );
    if (!rows[0]) throw new ApiError('not_found', 'webhook not found');
    return toEndpoint(rows[0]);
  }

  /** A new secret at once; the previous one signs beside it for a day. */
  async rotateSecret(workspaceId: string, hookId: string): Promise<WebhookEndpointWithSecret> {
    const now = this.clock.now();
    const rows = await this.store.query<EndpointRow>(
      `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = $4, secret = $5
       WHERE id = $3 AND workspace_id = $1 AND deleted_at IS NULL
       RETURNING ${ENDPOINT_COLUMNS}, secret`,
      [workspaceId, now, hookId, new Date(now.getTime() + PREVIOUS_SECRET_VALID_MS), newWebhookSecret()],
    );
    if (!rows[0]) throw new ApiError('not_found', 'webhook not found');
    return withSecret(rows[0]);
  }

  /** The delivery log of an endpoint, newest first. */
  async deliveries(workspaceId: string, hookId: string, query: WebhookDeliveriesQuery): Promise<WebhookDeliveriesResponse> {
    const found = await this.store.query('SELECT 1 FROM webhook_endpoints WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL', [hookId, workspaceId]);
    if (!found[0]) throw new ApiError('not_found', 'webhook not found');
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.store.query<DeliveryRow>(
      `SELECT d.event_id, e.type, d.status, d.attempts, cc_iso(d.created_at) AS created_at, cc_iso(d.last_attempt_at) AS last_attempt_at,
              d.last_status, d.last_error, cc_iso(d.next_attempt_at) AS next_attempt_at, cc_iso(d.delivered_at) AS delivered_at
       FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
       WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
         AND ($3::timestamptz IS NULL OR (d.created_at, d.event_id) < ($3::timestamptz, $4::text))
       ORDER BY d.created_at DESC, d.event_id DESC LIMIT $5`,
      [hookId, query.status ?? null, after?.[0] ?? null, after?.[1] ?? '', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      deliveries: page.map((r) => ({
        eventId: r.event_id,
        type: r.type,
        status: r.status,
        attempts: r.attempts,
        createdAt: r.created_at,
        lastAttemptAt: r.last_attempt_at,
        lastResponseStatus: r.last_status,
        lastError: r.last_error,
        nextAttemptAt: r.next_attempt_at,
        deliveredAt: r.delivered_at,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.event_id) : null,
    };
  }

  private async requireWorkspace(workspaceId: string): Promise<void> {
    const rows = await this.store.query('SELECT 1 FROM workspaces WHERE id = $1', [workspaceId]);
    if (!rows[0]) throw new ApiError('not_found', 'workspace not found');
  }
}
