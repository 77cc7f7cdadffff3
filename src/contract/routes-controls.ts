import * as z from 'zod/mini';
import { BuilderId } from './admin.js';
import { ErrorBody as E } from './errors.js';
import { IdParams, ResourceId, type RouteDef } from './route-def.js';
import { BuilderLimit, BuilderLimits, BuilderLimitsRequest, BuilderSpend, Thresholds, ThresholdsRequest } from './spend-controls.js';
import {
  CreateWebhookRequest,
  WebhookDeliveriesQuery,
  WebhookDeliveriesResponse,
  WebhookEndpoint,
  WebhookEndpointsResponse,
  WebhookEndpointWithSecret,
} from './webhooks.js';

// Spend controls and outbound webhooks of a workspace: the operator's routes (admin token), under
// /api/v1/admin/workspaces/{id} (the table: routes.ts).

const BuilderParams = z.object({ id: ResourceId, builder: BuilderId });
const HookParams = z.object({ id: ResourceId, hookId: ResourceId });

export const getThresholds = {
  id: 'getThresholds',
  method: 'GET',
  path: '/api/v1/admin/workspaces/{id}/thresholds',
  auth: 'admin',
  summary: 'The thresholds that notify (webhook events)',
  resource: 'workspace',
  params: IdParams,
  answers: { 200: Thresholds, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setThresholds = {
  id: 'setThresholds',
  method: 'PUT',
  path: '/api/v1/admin/workspaces/{id}/thresholds',
  auth: 'admin',
  summary: 'Replace the thresholds (what is left out takes its default; an empty list turns a kind off)',
  resource: 'workspace',
  params: IdParams,
  body: ThresholdsRequest,
  answers: { 200: Thresholds, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const getBuilderLimits = {
  id: 'getBuilderLimits',
  method: 'GET',
  path: '/api/v1/admin/workspaces/{id}/builder-limits',
  auth: 'admin',
  summary: "The default builder limit, and each builder's limit and use this cycle",
  resource: 'workspace',
  params: IdParams,
  answers: { 200: BuilderLimits, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setBuilderLimits = {
  id: 'setBuilderLimits',
  method: 'PUT',
  path: '/api/v1/admin/workspaces/{id}/builder-limits',
  auth: 'admin',
  summary: 'Set the default limit of every builder without a limit of its own (null: none)',
  resource: 'workspace',
  params: IdParams,
  body: BuilderLimitsRequest,
  answers: { 200: BuilderLimits, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setBuilderLimit = {
  id: 'setBuilderLimit',
  method: 'PUT',
  path: '/api/v1/admin/workspaces/{id}/builders/{builder}/limit',
  auth: 'admin',
  summary: "Set a builder's own limit (it overrides the default)",
  resource: { id: 'workspace', builder: 'builder' },
  params: BuilderParams,
  body: BuilderLimit,
  answers: { 200: BuilderSpend, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const removeBuilderLimit = {
  id: 'removeBuilderLimit',
  method: 'DELETE',
  path: '/api/v1/admin/workspaces/{id}/builders/{builder}/limit',
  auth: 'admin',
  summary: "Remove a builder's own limit: the default applies again (404 when it has none)",
  resource: { id: 'workspace', builder: 'builder' },
  params: BuilderParams,
  answers: { 200: BuilderSpend, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const createWebhook = {
  id: 'createWebhook',
  method: 'POST',
  path: '/api/v1/admin/workspaces/{id}/webhooks',
  auth: 'admin',
  summary: 'Add a webhook endpoint; the answer carries its signing secret, the only time it is shown',
  resource: 'workspace',
  params: IdParams,
  body: CreateWebhookRequest,
  answers: { 201: WebhookEndpointWithSecret, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const listWebhooks = {
  id: 'listWebhooks',
  method: 'GET',
  path: '/api/v1/admin/workspaces/{id}/webhooks',
  auth: 'admin',
  summary: 'The webhook endpoints (never their secrets)',
  resource: 'workspace',
  params: IdParams,
  answers: { 200: WebhookEndpointsResponse, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const deleteWebhook = {
  id: 'deleteWebhook',
  method: 'DELETE',
  path: '/api/v1/admin/workspaces/{id}/webhooks/{hookId}',
  auth: 'admin',
  summary: 'Remove a webhook endpoint: nothing more is sent to it, its pending deliveries are cancelled',
  resource: { id: 'workspace', hookId: 'webhook' },
  params: HookParams,
  answers: { 200: WebhookEndpoint, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const rotateWebhookSecret = {
  id: 'rotateWebhookSecret',
  method: 'POST',
  path: '/api/v1/admin/workspaces/{id}/webhooks/{hookId}/rotate-secret',
  auth: 'admin',
  summary: "Rotate an endpoint's secret: the new one is answered once; the previous one signs beside it for a day",
  resource: { id: 'workspace', hookId: 'webhook' },
  params: HookParams,
  answers: { 200: WebhookEndpointWithSecret, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const listWebhookDeliveries = {
  id: 'listWebhookDeliveries',
  method: 'GET',
  path: '/api/v1/admin/workspaces/{id}/webhooks/{hookId}/deliveries',
  auth: 'admin',
  summary: "An endpoint's delivery log, newest first",
  resource: { id: 'workspace', hookId: 'webhook' },
  params: HookParams,
  query: WebhookDeliveriesQuery,
  answers: { 200: WebhookDeliveriesResponse, 400: E, 401: E, 403: E, 404: E, 500: E, 503: E },
} as const satisfies RouteDef;
