import * as z from 'zod/mini';
import { IdempotencyKey } from './credits.js';
import { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ModelEntry, ModelList, OpenAiErrorBody } from './openai.js';
import { OperationType } from './operations.js';
import { RETRY_AFTER, type RouteDef } from './route-def.js';

/** The OpenAI-compatible gateway under /v1; its errors are in OpenAI's shape (route table: `routes.ts`). */
const O = OpenAiErrorBody;
const CREDIT_HEADERS = {
  'X-Credit-Reserved': 'credits held for this completion',
  'X-Credit-Charged': 'credits charged (non-streamed answers and replays)',
  'X-Credit-Receipt': 'the receipt id (non-streamed answers and replays)',
} as const;

export const createChatCompletion = {
  id: 'createChatCompletion',
  method: 'POST',
  path: '/v1/chat/completions',
  auth: 'builder',
  summary: 'OpenAI-compatible chat completion, metered like /chat (the builder token is the API key)',
  headers: z.object({
    'idempotency-key': z.optional(IdempotencyKey),
    'x-credit-operation': z.optional(OperationType),
  }),
  body: ChatCompletionRequest,
  answers: {
    200: {
      json: ChatCompletion,
      events: { message: ChatCompletionChunk },
      description: 'a chat.completion, or with `stream: true` chat.completion.chunk events ending with `data: [DONE]`',
      headers: CREDIT_HEADERS,
    },
    400: O,
    401: O,
    402: O,
    403: O,
    404: { json: O, description: 'the requested model is not one this server prices or allows (`model_not_found`)' },
    409: { json: O, description: 'this idempotency key is still being answered', headers: RETRY_AFTER },
    413: O,
    422: O,
    429: { json: O, description: 'rate limited', headers: RETRY_AFTER },
    500: O,
    502: O,
    503: O,
  },
} as const satisfies RouteDef;


export const listModels = {
  id: 'listModels',
  method: 'GET',
  path: '/v1/models',
  auth: 'builder',
  summary: 'The models this server prices and may call for the workspace, in OpenAI\'s list shape',
  answers: { 200: ModelList, 401: O, 403: O, 429: { json: O, description: 'rate limited', headers: RETRY_AFTER }, 500: O },
} as const satisfies RouteDef;

export const retrieveModel = {
  id: 'retrieveModel',
  method: 'GET',
  path: '/v1/models/{model}',
  auth: 'builder',
  summary: 'One model, when the gateway answers with it; else 404 `model_not_found`',
  params: z.object({ model: z.string().check(z.minLength(1)) }),
  answers: { 200: ModelEntry, 401: O, 403: O, 404: O, 429: { json: O, description: 'rate limited', headers: RETRY_AFTER }, 500: O },
} as const satisfies RouteDef;
