import * as z from 'zod/mini';
import {
  AddonGrant,
  AddonRequest,
  CreateWorkspaceRequest,
  CreateWorkspaceResponse,
  IssueTokenRequest,
  IssueTokenResponse,
  License,
  LicenseRequest,
  OriginsRequest,
  OriginsResponse,
} from './admin.js';
import { ErrorBody as E } from './errors.js';
import { IdParams, type RouteDef } from './route-def.js';

// The operator's routes (admin token), and the contract's own document (the table: routes.ts).

export const getOpenApiDocument = {
  id: 'getOpenApiDocument',
  method: 'GET',
  path: '/api/v1/openapi.json',
  auth: 'none',
  summary: 'This document: HTTP contract v1 as OpenAPI 3.1',
  answers: { 200: z.looseObject({ openapi: z.string() }), 500: E },
} as const satisfies RouteDef;

export const createWorkspace = {
  id: 'createWorkspace',
  method: 'POST',
  path: '/api/v1/admin/workspaces',
  auth: 'admin',
  summary: 'Create a workspace',
  body: CreateWorkspaceRequest,
  answers: { 201: CreateWorkspaceResponse, 400: E, 401: E, 403: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setLicense = {
  id: 'setLicense',
  method: 'PUT',
  path: '/api/v1/admin/workspaces/{id}/license',
  auth: 'admin',
  summary: 'Set the license',
  resource: 'workspace',
  params: IdParams,
  body: LicenseRequest,
  answers: { 200: License, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const grantAddon = {
  id: 'grantAddon',
  method: 'POST',
  path: '/api/v1/admin/workspaces/{id}/addons',
  auth: 'admin',
  summary: 'Grant add-on credits (multiples of 100)',
  resource: 'workspace',
  params: IdParams,
  body: AddonRequest,
  answers: { 201: AddonGrant, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const issueToken = {
  id: 'issueToken',
  method: 'POST',
  path: '/api/v1/admin/workspaces/{id}/tokens',
  auth: 'admin',
  summary: 'Issue a builder token: it expires after ttlSeconds (default 900), and carries roles',
  resource: 'workspace',
  params: IdParams,
  body: IssueTokenRequest,
  answers: { 201: IssueTokenResponse, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;

export const setOrigins = {
  id: 'setOrigins',
  method: 'PUT',
  path: '/api/v1/admin/workspaces/{id}/origins',
  auth: 'admin',
  summary: "Set the workspace's allowed browser origins: a request with another Origin answers 403 origin_not_allowed",
  resource: 'workspace',
  params: IdParams,
  body: OriginsRequest,
  answers: { 200: OriginsResponse, 400: E, 401: E, 403: E, 404: E, 413: E, 500: E, 503: E },
} as const satisfies RouteDef;
