import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_MODEL } from '../pricing.js';
import { countChatTokens, countTextTokens, truncateToTokens } from '../tokens.js';
import { demoAnswer } from './demo-answers.js';
import { ProviderError, type ChatProvider, type ProviderEvent, type ProviderRequest } from './types.js';

export interface DemoProviderOptions {
  /** defaults to `credit-chat-demo-1` */
  model?: string;
  /** pause before the first chunk, like a real model's time to first token; default 300 ms, 0 in tests */
  firstChunkDelayMs?: number;
  /** pause between chunks, varied ±25% by chunk so it reads naturally; default 20 ms, 0 in tests */
  chunkDelayMs?: number;
  /**
   * the longest an answer streams, in ms (default 15 s): a long answer (an app spec of 6k
   * tokens) sends several small chunks per pause instead, so it still finishes in time
   */
  maxStreamMs?: number;
}

/** Up to this many characters per streamed chunk, cut after whitespace: about two tokens, as real models stream. */
const CHUNK_CHARS = 8;
const WORD_PART = new RegExp(`[\\s\\S]{1,${CHUNK_CHARS}}`, 'gu');

/** The answer in small chunks of whole code points, cut after whitespace where a word allows. */
export function demoChunks(text: string): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const word of text.match(/\S+\s*|\s+/g) ?? []) {
    const parts = word.length > CHUNK_CHARS ? (word.match(WORD_PART) ?? [word]) : [word];
    for (const part of parts) {
      if (current && current.length + part.length > CHUNK_CHARS) {
        chunks.push(current);
        current = '';
      }
      current += part;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Chunks joined `size` at a time (1: as they are). */
function batched(chunks: string[], size: number): string[] {
  if (size <= 1) return chunks;
  const out: string[] = [];
  for (let i = 0; i < chunks.length; i += size) out.push(chunks.slice(i, i + size).join(''));
  return out;
}

/**
 * The offline provider `npm start` uses: a deterministic, useful Markdown answer per
 * operation type, derived from the prompt, streamed at a realistic pace, its usage counted
 * with the real tokenizer and priced like a real model (see pricing.ts), and named as a
 * demo model in its first line.
 */
export class DemoProvider implements ChatProvider {
  readonly name = 'demo';
  readonly model: string;
  private readonly firstChunkDelayMs: number;
  private readonly chunkDelayMs: number;
  private readonly maxStreamMs: number;

  constructor(options: DemoProviderOptions = {}) {
    this.model = options.model ?? DEMO_MODEL;
    this.firstChunkDelayMs = options.firstChunkDelayMs ?? 300;
    this.chunkDelayMs = options.chunkDelayMs ?? 20;
    this.maxStreamMs = options.maxStreamMs ?? 15_000;
  }

  async *stream(request: ProviderRequest): AsyncGenerator<ProviderEvent> {
    const prompt = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const full = demoAnswer(this.model, request.operation ?? 'docs_assistant', prompt);
    const text = truncateToTokens(full, this.model, request.maxTokens);
    const small = demoChunks(text);
    const chunks = batched(small, Math.ceil((this.chunkDelayMs * small.length) / Math.max(1, this.maxStreamMs)));
    for (let i = 0; i < chunks.length; i++) {
      await this.pause(i === 0 ? this.firstChunkDelayMs : this.chunkDelayMs * (0.75 + 0.5 * ((i * 7) % 11) / 10), request.signal);
      yield { type: 'delta', text: chunks[i]! };
    }
    yield {
      type: 'usage',
      inputTokens: countChatTokens(this.model, request),
      outputTokens: countTextTokens(text, this.model),
      finishReason: text.length < full.length ? 'length' : 'stop',
      model: this.model,
    };
  }

  private async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw new ProviderError('aborted', 'the request was aborted');
    if (ms <= 0) return;
    try {
      await sleep(ms, undefined, signal ? { signal } : undefined);
    } catch (err) {
      throw new ProviderError('aborted', 'the request was aborted', { cause: err });
    }
  }
}
