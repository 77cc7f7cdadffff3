import { AnthropicProvider } from './anthropic.js';
import { DemoProvider, type DemoProviderOptions } from './demo.js';
import { OpenAiProvider, type MaxTokensField } from './openai.js';
import type { ChatProvider } from './types.js';
import type { UpstreamTimeouts } from './upstream-call.js';

export const PROVIDER_NAMES = ['openai', 'anthropic', 'demo'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Which provider to talk to; from AI_* variables, CLI flags or a workspace's BYOK settings. */
export interface ProviderSettings {
  provider: ProviderName;
  baseUrl?: string;
  apiKey?: string;
  model?: string;
}

/** Defaults when no model is configured. */
export const DEFAULT_MODELS: Record<Exclude<ProviderName, 'demo'>, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-20250514',
};

/** Knobs that are not settings of a deployment: test seams and pacing. */
export interface ProviderOptions {
  fetch?: typeof fetch;
  timeouts?: UpstreamTimeouts;
  maxTokensField?: MaxTokensField;
  demo?: Omit<DemoProviderOptions, 'model'>;
}

function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

/** Reads AI_PROVIDER (default `demo`), AI_BASE_URL, AI_API_KEY and AI_MODEL; empty values count as unset. */
export function providerSettingsFromEnv(env: Record<string, string | undefined>): ProviderSettings {
  const provider = (env.AI_PROVIDER?.trim() || 'demo').toLowerCase();
  if (!isProviderName(provider)) throw new Error(`AI_PROVIDER must be one of ${PROVIDER_NAMES.join(', ')}, not "${provider}"`);
  const settings: ProviderSettings = { provider };
  const baseUrl = env.AI_BASE_URL?.trim();
  const apiKey = env.AI_API_KEY?.trim();
  const model = env.AI_MODEL?.trim();
  if (baseUrl) settings.baseUrl = baseUrl;
  if (apiKey) settings.apiKey = apiKey;
  if (model) settings.model = model;
  return settings;
}

/**
 * The provider for `settings`. A key is required for the providers' own endpoints; a
 * custom base URL (Ollama, vLLM, a proxy) may go without one.
 */
export function createProvider(settings: ProviderSettings, options: ProviderOptions = {}): ChatProvider {
  if (settings.provider === 'demo') return new DemoProvider({ ...options.demo, model: settings.model });
  if (!settings.apiKey && !settings.baseUrl) {
    throw new Error(`the ${settings.provider} provider needs an API key (AI_API_KEY) or a base URL (AI_BASE_URL)`);
  }
  const http = {
    model: settings.model ?? DEFAULT_MODELS[settings.provider],
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    fetch: options.fetch,
    timeouts: options.timeouts,
  };
  if (settings.provider === 'anthropic') return new AnthropicProvider(http);
  return new OpenAiProvider({ ...http, maxTokensField: options.maxTokensField });
}
