import * as z from 'zod/mini';

/**
 * The OpenAI Chat Completions wire format as the gateway at /v1 speaks it, for the route table
 * and the OpenAPI document. Objects are loose: OpenAI adds fields, and clients send more than
 * the gateway reads.
 */

const TextPart = z.looseObject({ type: z.string(), text: z.optional(z.string()) });
export const ChatCompletionMessage = z.looseObject({
  role: z.string(),
  content: z.optional(z.nullable(z.union([z.string(), z.array(TextPart)]))),
});
const positiveInt = z.optional(z.nullable(z.number().check(z.int(), z.positive())));

/** The request of `POST /v1/chat/completions`. */
export const ChatCompletionRequest = z.looseObject({
  model: z.optional(z.string()),
  messages: z.array(ChatCompletionMessage).check(z.minLength(1, { message: 'must have at least one message' })),
  stream: z.optional(z.nullable(z.boolean())),
  stream_options: z.optional(z.nullable(z.looseObject({ include_usage: z.optional(z.nullable(z.boolean())) }))),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  n: z.optional(z.nullable(z.number())),
  tools: z.optional(z.nullable(z.array(z.unknown()))),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

const count = z.number().check(z.int(), z.nonnegative());
export const CompletionUsage = z.looseObject({ prompt_tokens: count, completion_tokens: count, total_tokens: count });

/** A non-streamed answer: `chat.completion`. */
export const ChatCompletion = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number(),
      message: z.looseObject({ role: z.literal('assistant'), content: z.nullable(z.string()) }),
      finish_reason: z.nullable(z.string()),
    }),
  ),
  usage: z.optional(CompletionUsage),
});

/** One `data:` event of a streamed answer (the stream ends with `data: [DONE]`). */
export const ChatCompletionChunk = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number(), delta: z.looseObject({}), finish_reason: z.nullable(z.string()) })),
  usage: z.optional(z.nullable(CompletionUsage)),
});

/** `GET /v1/models`: what the server prices and may call, in OpenAI's list shape. */
export const ModelEntry = z.looseObject({ id: z.string(), object: z.literal('model'), created: z.number(), owned_by: z.string() });
export const ModelList = z.looseObject({ object: z.literal('list'), data: z.array(ModelEntry) });

/** Every gateway error, in OpenAI's shape (plus details such as `retryAfter`). */
export const OpenAiErrorBody = z.object({
  error: z.looseObject({
    message: z.string(),
    type: z.string(),
    param: z.nullable(z.string()),
    code: z.nullable(z.string()),
  }),
});
export type OpenAiErrorBody = z.infer<typeof OpenAiErrorBody>;
