import * as z from 'zod/mini';

/**
 * The OpenAI Chat Completions wire format as the gateway at /v1 speaks it, for the route table
 * and the OpenAPI document. Objects are loose: OpenAI adds fields, and clients send more than
 * the gateway reads.
 */

const TextPart = z.looseObject({ type: z.string(), text: z.optional(z.string()) });
const WireToolCall = z.looseObject({
  id: z.string(),
  type: z.optional(z.literal('function')),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});
export const ChatCompletionMessage = z.looseObject({
  role: z.string(),
  content: z.optional(z.nullable(z.union([z.string(), z.array(TextPart)]))),
  tool_calls: z.optional(z.nullable(z.array(WireToolCall))),
  tool_call_id: z.optional(z.nullable(z.string())),
});
const positiveInt = z.optional(z.nullable(z.number().check(z.int(), z.positive())));
const between = (min: number, max: number) => z.optional(z.nullable(z.number().check(z.gte(min), z.lte(max))));
const JsonSchema = z.record(z.string(), z.unknown());
const FunctionName = z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, _ or -' }));
const WireTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: FunctionName,
    description: z.optional(z.nullable(z.string())),
    parameters: z.optional(z.nullable(JsonSchema)),
    strict: z.optional(z.nullable(z.boolean())),
  }),
});
const WireToolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: FunctionName }) }),
]);
const WireResponseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: FunctionName,
      description: z.optional(z.nullable(z.string())),
      schema: z.optional(z.nullable(JsonSchema)),
      strict: z.optional(z.nullable(z.boolean())),
    }),
  }),
]);

/**
 * The OpenAI Chat Completions request the gateway honours: the conversation (text, tool
 * calls and tool results), the output limit, sampling (`temperature`, `top_p`, `stop`,
 * `seed`, the penalties, `logprobs`), `response_format` and `tools` / `tool_choice`.
 * `model` must be one `/v1/models` lists (absent: the configured one). Other fields are
 * accepted and not forwarded.
 */
export const ChatCompletionRequest = z.looseObject({
  model: z.optional(z.nullable(z.string())),
  messages: z.array(ChatCompletionMessage).check(z.minLength(1, { message: 'must have at least one message' })),
  stream: z.optional(z.nullable(z.boolean())),
  stream_options: z.optional(z.nullable(z.looseObject({ include_usage: z.optional(z.nullable(z.boolean())) }))),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  n: z.optional(z.nullable(z.number())),
  temperature: between(0, 2),
  top_p: between(0, 1),
  stop: z.optional(z.nullable(z.union([z.string(), z.array(z.string()).check(z.maxLength(4))]))),
  seed: z.optional(z.nullable(z.number().check(z.int()))),
  presence_penalty: between(-2, 2),
  frequency_penalty: between(-2, 2),
  logprobs: z.optional(z.nullable(z.boolean())),
  top_logprobs: z.optional(z.nullable(z.number().check(z.int(), z.gte(0), z.lte(20)))),
  response_format: z.optional(z.nullable(WireResponseFormat)),
  tools: z.optional(z.nullable(z.array(WireTool).check(z.maxLength(128)))),
  tool_choice: z.optional(z.nullable(WireToolChoice)),
  parallel_tool_calls: z.optional(z.nullable(z.boolean())),
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
