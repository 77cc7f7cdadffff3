import * as z from 'zod/mini';
import { IsoDateTime } from './credits.js';

export const ByokProvider = z.enum(['openai', 'anthropic']);
export type ByokProvider = z.infer<typeof ByokProvider>;

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http or https URL' });

export const PutByokRequest = z.strictObject({
  provider: ByokProvider,
  // Provider keys are printable ASCII tokens; anything else is a paste error, not a key.
  apiKey: z.string().check(
    z.minLength(8, { message: 'must be at least 8 characters' }),
    z.maxLength(500),
    z.regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' }),
  ),
  baseUrl: z.optional(httpUrl),
  model: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
});
export type PutByokRequest = z.infer<typeof PutByokRequest>;

/** What the server shows of a stored key: never the key, only a hint like `sk-…abcd`. */
export const ByokStatus = z.object({
  enabled: z.boolean(),
  provider: z.nullable(ByokProvider),
  model: z.nullable(z.string()),
  baseUrl: z.nullable(z.string()),
  keyHint: z.nullable(z.string()),
  updatedAt: z.nullable(IsoDateTime),
});
export type ByokStatus = z.infer<typeof ByokStatus>;
