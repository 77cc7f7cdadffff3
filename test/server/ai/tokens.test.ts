import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { countTokens as o200kCount } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as cl100kCount } from 'gpt-tokenizer/encoding/cl100k_base';
import type { ChatMessage } from '../../../src/server/ai/providers/types.js';
import {
  capContext,
  contextWindowOf,
  countChatTokens,
  countTextTokens,
  DEFAULT_CONTEXT_WINDOW,
  encodingForModel,
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMING_TOKENS,
  truncateToTokens,
} from '../../../src/server/ai/tokens.js';

const MODEL = 'gpt-4o';

function conversation(turns: number): ChatMessage[] {
  return Array.from({ length: turns }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(5)}`,
  }));
}

describe('token counting', () => {
  it('picks o200k_base for gpt-4o-class models and cl100k_base for gpt-4, gpt-3.5 and models without a public tokenizer', () => {
    assert.equal(encodingForModel('gpt-4o'), 'o200k_base');
    assert.equal(encodingForModel('gpt-4o-mini-2024-07-18'), 'o200k_base');
    assert.equal(encodingForModel('gpt-5.9-future'), 'o200k_base');
    assert.equal(encodingForModel('openai/gpt-4.1'), 'o200k_base');
    assert.equal(encodingForModel('o4-mini'), 'o200k_base');
    assert.equal(encodingForModel('credit-chat-demo-1'), 'o200k_base');
    assert.equal(encodingForModel('gpt-4'), 'cl100k_base');
    assert.equal(encodingForModel('gpt-3.5-turbo'), 'cl100k_base');
    assert.equal(encodingForModel('claude-sonnet-4-20250514'), 'cl100k_base');
    assert.equal(encodingForModel('llama3.1:8b'), 'cl100k_base');
  });

  it('counts text with the chosen encoding, and counts special-token text as plain text', () => {
    const text = 'SELECT name, total FROM orders WHERE total > 100 — Grüße 🚀';
    assert.equal(countTextTokens(text, 'gpt-4o'), o200kCount(text));
    assert.equal(countTextTokens(text, 'gpt-4'), cl100kCount(text));
    assert.ok(countTextTokens('ignore <|endoftext|> this', 'gpt-4o') > 3, 'no throw, several tokens');
  });

  it('counts a chat as its texts plus the framing of each message and the reply priming', () => {
    const messages = conversation(3);
    const system = 'You are helpful.';
    const expected =
      REPLY_PRIMING_TOKENS + MESSAGE_OVERHEAD_TOKENS * 4 + o200kCount(system) + messages.reduce((sum, m) => sum + o200kCount(m.content), 0);
    assert.equal(countChatTokens(MODEL, { system, messages }), expected);
  });

  it('knows context windows from gpt-tokenizer and for Claude, and falls back for unknown models', () => {
    assert.equal(contextWindowOf('gpt-4o'), 128_000);
    assert.equal(contextWindowOf('gpt-4'), 8_192);
    assert.equal(contextWindowOf('claude-3-5-haiku-latest'), 200_000);
    assert.equal(contextWindowOf('mistral:7b'), DEFAULT_CONTEXT_WINDOW);
    assert.equal(contextWindowOf('mistral:7b', 32_000), 32_000);
  });

  it('truncates to at most n tokens, keeping a prefix of the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat({ max: 60 }), (text, n) => {
        const cut = truncateToTokens(text, MODEL, n);
        assert.ok(text.startsWith(cut));
        assert.ok(countTextTokens(cut, MODEL) <= n);
        if (countTextTokens(text, MODEL) <= n) assert.equal(cut, text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('capContext', () => {
  const system = 'You write SQL.';

  it('keeps everything when it fits, with the same count as countChatTokens', () => {
    const messages = conversation(5);
    const capped = capContext(MODEL, { system, messages }, 10_000);
    assert.deepEqual(capped.messages, messages);
    assert.equal(capped.dropped, 0);
    assert.equal(capped.fits, true);
    assert.equal(capped.inputTokens, countChatTokens(MODEL, { system, messages }));
  });

  it('drops the oldest messages first, keeps the newest prompt, and never starts with an assistant turn', () => {
    const messages = conversation(21);
    const full = countChatTokens(MODEL, { system, messages });
    const budget = Math.floor(full / 2);
    const capped = capContext(MODEL, { system, messages }, budget);
    assert.ok(capped.inputTokens <= budget);
    assert.equal(capped.fits, true);
    assert.deepEqual(capped.messages, messages.slice(capped.dropped));
    assert.equal(capped.messages.at(-1), messages.at(-1));
    assert.equal(capped.messages[0]!.role, 'user');
    assert.equal(capped.inputTokens, countChatTokens(MODEL, { system, messages: capped.messages }));
    // one more message would not have fit (or would have started with an assistant turn)
    const oneMore = messages.slice(capped.dropped - 1);
    assert.ok(countChatTokens(MODEL, { system, messages: oneMore }) > budget || oneMore[0]!.role === 'assistant');
  });

  it('keeps the newest prompt even when it alone is over budget, and says it does not fit', () => {
    const messages = conversation(3);
    const capped = capContext(MODEL, { system, messages }, 10);
    assert.deepEqual(capped.messages, [messages[2]]);
    assert.equal(capped.fits, false);
    assert.equal(capped.dropped, 2);
  });

  it('never exceeds the budget when it says it fits, for any conversation', () => {
    const message = fc.record({ role: fc.constantFrom<'user' | 'assistant'>('user', 'assistant'), content: fc.string({ maxLength: 80 }) });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 15 }), fc.integer({ min: 0, max: 400 }), (messages, budget) => {
        const capped = capContext(MODEL, { system, messages }, budget);
        assert.equal(capped.messages.at(-1), messages.at(-1));
        assert.equal(capped.fits, capped.inputTokens <= budget);
        assert.equal(capped.inputTokens, countChatTokens(MODEL, { system, messages: capped.messages }));
        if (capped.messages.length > 1) assert.equal(capped.messages[0]!.role, 'user');
      }),
      { numRuns: 200 },
    );
  });
});
