import * as z from 'zod/mini';
import { Credits, IsoDateTime } from './credits.js';

/**
 * Outbound webhooks: what the server tells a host about its workspaces, signed per the
 * Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 * The body of every delivery is `{ type, timestamp, data }`; `data` always names the workspace.
 */
export const WEBHOOK_EVENT_TYPES = [
  'credits.threshold_crossed',
  'credits.recovered',
  'credits.depleted',
  'credits.added',
  'credits.expiring',
  'credits.expired',
  'builder.limit_reached',
  'purchase.paid',
  'purchase.failed',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

const webhookUrl = z.string().check(
  z.maxLength(2048, { message: 'must be at most 2048 characters' }),
  z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }),
);

export const CreateWebhookRequest = z.strictObject({
  url: webhookUrl,
  /** the event types to send; all of them when left out */
  events: z.optional(
    z.array(WebhookEventType).check(
      z.minLength(1, { message: 'must name at least one event type (leave it out for all)' }),
      z.refine((list) => new Set(list).size === list.length, { message: 'must not repeat an event type' }),
    ),
  ),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

/** An endpoint as listed: never its secret. `events: null` means every event type. */
export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  events: z.nullable(z.array(WebhookEventType)),
  createdAt: IsoDateTime,
  /** after a rotation the previous secret still signs (beside the new one) until then */
  previousSecretExpiresAt: z.nullable(IsoDateTime),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The answer of creating an endpoint or rotating its secret: the only time the secret is shown. */
export const WebhookEndpointWithSecret = z.extend(WebhookEndpoint, {
  /** `whsec_` + base64, the form the `standardwebhooks` libraries read */
  secret: z.string(),
});
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecret>;

export const WebhookEndpointsResponse = z.object({ webhooks: z.array(WebhookEndpoint) });
export type WebhookEndpointsResponse = z.infer<typeof WebhookEndpointsResponse>;

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'failed', 'cancelled']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

/** One event's delivery to one endpoint: the delivery log. */
export const WebhookDelivery = z.object({
  /** the event's id, sent as `webhook-id`: the same on every attempt */
  eventId: z.string(),
  type: WebhookEventType,
  status: WebhookDeliveryStatus,
  attempts: z.number(),
  createdAt: IsoDateTime,
  lastAttemptAt: z.nullable(IsoDateTime),
  /** the HTTP status of the last attempt; null when it got no answer */
  lastResponseStatus: z.nullable(z.number()),
  /** why the last attempt failed, when it did */
  lastError: z.nullable(z.string()),
  nextAttemptAt: z.nullable(IsoDateTime),
  deliveredAt: z.nullable(IsoDateTime),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveriesQuery = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200))),
  cursor: z.optional(z.string().check(z.maxLength(200))),
  status: z.optional(WebhookDeliveryStatus),
});
export type WebhookDeliveriesQuery = z.infer<typeof WebhookDeliveriesQuery>;

export const WebhookDeliveriesResponse = z.object({
  deliveries: z.array(WebhookDelivery),
  nextCursor: z.nullable(z.string()),
});
export type WebhookDeliveriesResponse = z.infer<typeof WebhookDeliveriesResponse>;

// ---- the events' data ----------------------------------------------------------------

/** The workspace's balance when the event happened (the pool, not one builder's view). */
export const EventBalance = z.object({
  total: Credits,
  held: Credits,
  monthly: z.object({ allocated: Credits, available: Credits, renewsAt: z.nullable(IsoDateTime) }),
  addon: z.object({ available: Credits, expiresAt: z.nullable(IsoDateTime) }),
});
export type EventBalance = z.infer<typeof EventBalance>;

/**
 * A threshold: `monthly_percent` (value: percent of the cycle's monthly credits used),
 * `addon_below` (value: credits left in the add-on pool) or `depleted` (value: 0).
 */
export const Threshold = z.object({
  kind: z.enum(['monthly_percent', 'addon_below', 'depleted']),
  value: z.number(),
});
export type Threshold = z.infer<typeof Threshold>;

const eventBase = { workspaceId: z.string() };
const purchaseEventBase = {
  purchaseId: z.string(),
  builder: z.string(),
  credits: z.number(),
  /** in the currency's minor unit */
  amount: z.number(),
  currency: z.string(),
  provider: z.string(),
  /** `checkout` (a builder bought) or `auto_top_up` */
  source: z.enum(['checkout', 'auto_top_up']),
};

export const EVENT_DATA = {
  'credits.threshold_crossed': z.looseObject({ ...eventBase, threshold: Threshold, balance: EventBalance }),
  'credits.recovered': z.looseObject({ ...eventBase, thresholds: z.array(Threshold), balance: EventBalance }),
  /** the pool could not serve a hold (`needed` set), or a hold took its last credit */
  'credits.depleted': z.looseObject({ ...eventBase, needed: z.nullable(Credits), balance: EventBalance }),
  'credits.added': z.looseObject({
    ...eventBase,
    pool: z.enum(['monthly', 'addon']),
    credits: Credits,
    grantId: z.string(),
    /** the add-on purchase's reference; null for a monthly grant */
    reference: z.nullable(z.string()),
    expiresAt: IsoDateTime,
    balance: EventBalance,
  }),
  'credits.expiring': z.looseObject({ ...eventBase, pool: z.literal('addon'), days: z.number(), credits: Credits, expiresAt: IsoDateTime }),
  /** what was left on a grant past its date: a cycle's monthly credits, or the add-on pool after its year */
  'credits.expired': z.looseObject({ ...eventBase, pool: z.enum(['monthly', 'addon']), credits: Credits, grantId: z.string(), balance: EventBalance }),
  'builder.limit_reached': z.looseObject({
    ...eventBase,
    builder: z.string(),
    mode: z.enum(['block', 'alert']),
    limit: Credits,
    used: Credits,
    /** set when a hold was refused by a `block` limit */
    refused: z.nullable(Credits),
  }),
  /** a purchase was paid and its add-on credits granted (once, however often the payment event arrives) */
  'purchase.paid': z.looseObject({
    ...eventBase,
    ...purchaseEventBase,
    grantId: z.string(),
    /** the grant's reference: the Checkout session id, or the PaymentIntent id of an automatic top-up */
    reference: z.string(),
    paidAt: IsoDateTime,
    validUntil: IsoDateTime,
  }),
  /** a payment failed; an automatic top-up's failure also turned auto top-up off */
  'purchase.failed': z.looseObject({ ...eventBase, ...purchaseEventBase, reason: z.string(), autoTopUpDisabled: z.boolean() }),
} satisfies Record<WebhookEventType, z.ZodMiniType>;

/** The JSON body of every delivery. */
export const WebhookPayload = z.object({
  type: WebhookEventType,
  timestamp: IsoDateTime,
  data: z.looseObject(eventBase),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
