import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AnthropicProvider } from '../../../src/server/ai/providers/anthropic.js';
import { createProvider, DEFAULT_MODELS, providerSettingsFromEnv } from '../../../src/server/ai/providers/create.js';
import { DemoProvider } from '../../../src/server/ai/providers/demo.js';
import { OpenAiProvider } from '../../../src/server/ai/providers/openai.js';
import { startFakeOpenAI } from '../../support/fake-openai.js';
import type { FakeUpstream } from '../../support/fake-upstream.js';

describe('providerSettingsFromEnv', () => {
  it('defaults to the demo provider, treating empty values as unset', () => {
    assert.deepEqual(providerSettingsFromEnv({}), { provider: 'demo' });
    assert.deepEqual(providerSettingsFromEnv({ AI_PROVIDER: ' ', AI_MODEL: '', AI_API_KEY: '' }), { provider: 'demo' });
  });

  it('reads the provider case-insensitively with its base URL, key and model', () => {
    assert.deepEqual(providerSettingsFromEnv({ AI_PROVIDER: 'OpenAI', AI_BASE_URL: 'http://localhost:11434/v1', AI_API_KEY: 'k', AI_MODEL: 'llama3.1' }), {
      provider: 'openai',
      baseUrl: 'http://localhost:11434/v1',
      apiKey: 'k',
      model: 'llama3.1',
    });
  });

  it('refuses an unknown provider, naming the choices', () => {
    assert.throws(() => providerSettingsFromEnv({ AI_PROVIDER: 'gemini' }), /openai, anthropic, demo/);
  });
});

describe('createProvider', () => {
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeOpenAI({ text: 'ok' });
  });
  after(() => fake.close());

  it('builds each provider with its default model', () => {
    const demo = createProvider({ provider: 'demo' });
    assert.ok(demo instanceof DemoProvider);
    assert.equal(demo.model, 'credit-chat-demo-1');
    const openai = createProvider({ provider: 'openai', apiKey: 'sk-x' });
    assert.ok(openai instanceof OpenAiProvider);
    assert.equal(openai.model, DEFAULT_MODELS.openai);
    const anthropic = createProvider({ provider: 'anthropic', apiKey: 'sk-ant-x', model: 'claude-3-5-haiku-latest' });
    assert.ok(anthropic instanceof AnthropicProvider);
    assert.equal(anthropic.model, 'claude-3-5-haiku-latest');
  });

  it('needs a key for the providers’ own endpoints but not for a custom base URL', () => {
    assert.throws(() => createProvider({ provider: 'openai' }), /AI_API_KEY/);
    assert.throws(() => createProvider({ provider: 'anthropic' }), /AI_API_KEY/);
    assert.equal(createProvider({ provider: 'openai', baseUrl: fake.url, model: 'llama3.1' }).model, 'llama3.1');
  });

  it('wires the settings and options into a provider that streams from the base URL', async () => {
    const provider = createProvider({ provider: 'openai', baseUrl: fake.url, apiKey: 'sk-wired', model: 'gpt-4.1-mini' }, { maxTokensField: 'max_completion_tokens' });
    let text = '';
    for await (const event of provider.stream({ system: 's', messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 })) {
      if (event.type === 'delta') text += event.text;
    }
    assert.equal(text, 'ok');
    assert.equal(fake.lastRequest!.headers.authorization, 'Bearer sk-wired');
    assert.equal(fake.lastRequest!.body.max_completion_tokens, 10);
  });

  it('passes demo pacing through', async () => {
    const demo = createProvider({ provider: 'demo' }, { demo: { firstChunkDelayMs: 0, chunkDelayMs: 0 } });
    const started = performance.now();
    for await (const _ of demo.stream({ system: 's', messages: [{ role: 'user', content: 'sql please' }], maxTokens: 500, operation: 'sql_generation' }));
    assert.ok(performance.now() - started < 600, 'the default pace would take over a second');
  });
});
