import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import { modelToEncodingMap, type ModelName } from 'gpt-tokenizer/mapping';
import * as models from 'gpt-tokenizer/models';
import { bareModelId } from './model-id.js';
import type { ChatMessage } from './providers/types.js';

export type TokenEncoding = 'o200k_base' | 'cl100k_base';

const ENCODERS = { o200k_base: o200k, cl100k_base: cl100k } as const;

/** OpenAI families newer than gpt-4-turbo, tokenized with o200k_base, also under ids gpt-tokenizer does not list yet. */
const O200K_FAMILY = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-|o\d|codex-|credit-chat-demo)/;

/**
 * Framing tokens per chat message (`<|start|>role<|message|>…<|end|>`: 3, plus 1 for the
 * role), and the tokens that prime the reply, as in OpenAI's counting recipe. Anthropic
 * frames messages differently; its own count is what gets billed, ours is the estimate.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const REPLY_PRIMING_TOKENS = 3;

/** Context windows of families gpt-tokenizer has no data for. */
const CONTEXT_WINDOWS: readonly [RegExp, number][] = [
  [/^claude-/, 200_000],
  [/^grok-/, 131_072],
  [/^credit-chat-demo/, 128_000],
];
/** For models nobody knows (a local Ollama model): small, so capping errs on the safe side. */
export const DEFAULT_CONTEXT_WINDOW = 8_192;

function modelSpec(model: string): { context_window?: number } | undefined {
  return (models as Record<string, { context_window?: number } | undefined>)[bareModelId(model)];
}

/**
 * The encoding to count a model's tokens with: gpt-tokenizer's mapping for OpenAI models
 * (cl100k_base for gpt-4 and gpt-3.5, o200k_base for gpt-4o and later), o200k_base for the
 * demo model, and cl100k_base as the stand-in for models without a public tokenizer
 * (Claude, Grok, open models), whose own counts are what gets billed.
 */
export function encodingForModel(model: string): TokenEncoding {
  const bare = bareModelId(model);
  const mapped = (modelToEncodingMap as Partial<Record<string, string>>)[bare as ModelName];
  if (mapped === 'cl100k_base') return 'cl100k_base';
  if (mapped === 'o200k_base' || mapped === 'o200k_harmony' || O200K_FAMILY.test(bare)) return 'o200k_base';
  return 'cl100k_base';
}

/**
 * Texts at least this long are counted once: the system prompts, which carry the builder's
 * context (3.4k characters for the demo app, ~0.4 ms to count; ~60k for a large app, ~25 ms).
 */
const MEMO_MIN_CHARS = 1_024;
const MEMO_MAX_ENTRIES = 64;
const memo = new Map<string, number>();

/** Tokens of plain text; special-token strings in user text count as text, never as control tokens. */
export function countTextTokens(text: string, model: string): number {
  const encoding = encodingForModel(model);
  if (text.length < MEMO_MIN_CHARS) return ENCODERS[encoding].countTokens(text, { disallowedSpecial: new Set() });
  const key = `${encoding}\u0000${text}`;
  let count = memo.get(key);
  if (count === undefined) {
    count = ENCODERS[encoding].countTokens(text, { disallowedSpecial: new Set() });
    if (memo.size >= MEMO_MAX_ENTRIES) memo.delete(memo.keys().next().value!);
    memo.set(key, count);
  }
  return count;
}

/** Tokens of one message with its framing. */
export function countMessageTokens(message: ChatMessage, model: string): number {
  return MESSAGE_OVERHEAD_TOKENS + countTextTokens(message.content, model);
}

/** Input tokens of a whole request: the system prompt and every message framed, plus the reply priming. */
export function countChatTokens(model: string, chat: { system: string; messages: readonly ChatMessage[] }): number {
  let total = REPLY_PRIMING_TOKENS + countMessageTokens({ role: 'user', content: chat.system }, model);
  for (const message of chat.messages) total += countMessageTokens(message, model);
  return total;
}

/** A start of `text` of at most `maxTokens` tokens, cut between characters: about the first `maxTokens` tokens. */
export function truncateToTokens(text: string, model: string, maxTokens: number): string {
  const encoder = ENCODERS[encodingForModel(model)];
  const tokens = encoder.encode(text, { disallowedSpecial: new Set() });
  if (tokens.length <= maxTokens) return text;
  // The decoded tokens give the length; a token can end inside a character, and a cut text can re-encode differently.
  let end = Math.min(text.length, encoder.decode(tokens.slice(0, Math.max(0, maxTokens))).length);
  const backToCharacter = (): void => {
    const code = text.charCodeAt(end);
    if (end > 0 && code >= 0xdc00 && code <= 0xdfff) end--;
  };
  backToCharacter();
  while (end > 0 && countTextTokens(text.slice(0, end), model) > maxTokens) {
    end--;
    backToCharacter();
  }
  return text.slice(0, end);
}

/** The model's context window in tokens: gpt-tokenizer's data, known families, else `fallback`. */
export function contextWindowOf(model: string, fallback = DEFAULT_CONTEXT_WINDOW): number {
  const known = modelSpec(model)?.context_window;
  if (known) return known;
  const bare = bareModelId(model);
  return CONTEXT_WINDOWS.find(([pattern]) => pattern.test(bare))?.[1] ?? fallback;
}

export interface CappedContext {
  /** the newest messages that fit, oldest first, never starting with an assistant turn */
  messages: ChatMessage[];
  /** input tokens of system + kept messages + priming, as `countChatTokens` counts them */
  inputTokens: number;
  /** how many of the oldest messages were left out */
  dropped: number;
  /** false when even the newest message alone does not fit: it is kept anyway, the caller should refuse */
  fits: boolean;
}

/**
 * Caps a conversation to `maxInputTokens` (the window minus the output room): drops the
 * oldest messages first and always keeps the last one (the new prompt). A kept history
 * never starts with an assistant turn, because Anthropic refuses that.
 */
export function capContext(
  model: string,
  chat: { system: string; messages: readonly ChatMessage[] },
  maxInputTokens: number,
): CappedContext {
  const counts = chat.messages.map((message) => countMessageTokens(message, model));
  let total = REPLY_PRIMING_TOKENS + countMessageTokens({ role: 'user', content: chat.system }, model);
  for (const n of counts) total += n;
  let first = 0;
  const last = chat.messages.length - 1;
  while (first < last && (total > maxInputTokens || chat.messages[first]!.role === 'assistant')) {
    total -= counts[first]!;
    first++;
  }
  return { messages: chat.messages.slice(first), inputTokens: total, dropped: first, fits: total <= maxInputTokens };
}
