import type { Context } from 'hono';
import * as z from 'zod/mini';
import { fieldName } from '../../contract/index.js';
import { ApiError } from '../errors.js';

z.config(z.locales.en());

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
}

/** The first zod issue as a 400 that names the field. */
export function invalidInput(issues: readonly IssueLike[], where = 'body'): ApiError {
  const issue = issues[0];
  if (!issue) return new ApiError('invalid_input', `invalid ${where}`, { field: where });
  let path = issue.path;
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) path = [...path, issue.keys[0]!];
  const field = fieldName(path) || where;
  const message =
    issue.code === 'unrecognized_keys' ? `${field}: unknown field` : `${field}: ${issue.message}`;
  return new ApiError('invalid_input', message, {
    field,
    issues: issues.slice(0, 10).map((i) => ({ field: fieldName(i.path) || where, message: i.message })),
  });
}

/**
 * The path of the first string PostgreSQL cannot store as text: a lone surrogate (JSON may
 * escape one: "\ud800") is not Unicode, and NUL ("\u0000") is not allowed in text.
 */
function malformedStringAt(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.isWellFormed() && !value.includes('\u0000') ? undefined : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = malformedStringAt(item, [...path, i]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, item] of Object.entries(value)) {
      const found = malformedStringAt(k, [...path, k]) ?? malformedStringAt(item, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Parses a JSON body with a contract schema: 400 naming the field, or the typed value. */
export async function parseBody<T>(c: Context, schema: z.ZodMiniType<T>): Promise<T> {
  const text = await c.req.text();
  let json: unknown;
  if (text.trim() === '') json = undefined;
  else {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError('invalid_input', 'body: not valid JSON', { field: 'body' });
    }
  }
  if (json === undefined) throw new ApiError('invalid_input', 'body: a JSON object is required', { field: 'body' });
  const malformed = malformedStringAt(json);
  if (malformed) {
    const field = fieldName(malformed) || 'body';
    throw new ApiError('invalid_input', `${field}: must be Unicode text without NUL characters`, { field });
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) throw invalidInput(parsed.error.issues);
  return parsed.data;
}

/** Parses an application/x-www-form-urlencoded (or multipart) body with a contract schema: 400 naming the field. */
export async function parseForm<T>(c: Context, schema: z.ZodMiniType<T>): Promise<T> {
  const form = await c.req.parseBody().catch(() => {
    throw new ApiError('invalid_input', 'body: not a form', { field: 'body' });
  });
  const parsed = z.safeParse(schema, form);
  if (!parsed.success) throw invalidInput(parsed.error.issues);
  return parsed.data;
}

/** Parses the query string with a contract schema (every value arrives as a string). */
export function parseQuery<T>(c: Context, schema: z.ZodMiniType<T>): T {
  const parsed = z.safeParse(schema, c.req.query());
  if (!parsed.success) throw invalidInput(parsed.error.issues, 'query');
  return parsed.data;
}
