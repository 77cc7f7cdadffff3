import type { Hono } from 'hono';
import { routes } from '../../contract/index.js';
import { GATEWAY_BASE } from '../../contract/routes.js';
import { handle } from '../http/route.js';
import { DEMO_MODEL, type PriceTable } from '../ai/index.js';
import { bareModelId } from '../ai/model-id.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../http/auth.js';
import type { BuilderContext } from '../ledger/ledger.js';

/** Which models the gateway answers with besides the configured one. */
export interface GatewayModelOptions {
  /**
   * CREDIT_CHAT_MODELS: models that may be asked for besides the priced ones, e.g. a
   * local model or one of another vendor behind an OpenRouter-style upstream (a model
   * without a price is priced like the demo model).
   */
  allowList?: readonly string[];
}

type Vendor = 'anthropic' | 'openai' | 'credit-chat';

/** Who makes a model, from its id: an upstream of one wire format answers that vendor's models. */
function vendorOf(model: string): Vendor {
  const bare = bareModelId(model).toLowerCase();
  if (model === DEMO_MODEL) return 'credit-chat';
  return bare.startsWith('claude') ? 'anthropic' : 'openai';
}

/** The models `GET /v1/models` lists for a workspace whose provider answers `configured`. */
export function listedModels(configured: string, prices: PriceTable, options: GatewayModelOptions): string[] {
  const vendor = vendorOf(configured);
  const priced = vendor === 'credit-chat' ? [] : prices.listedModels().filter((model) => vendorOf(model) === vendor);
  return [...new Set([configured, ...priced, ...(options.allowList ?? [])])];
}

/**
 * The model that answers a request naming `requested`: the configured one when none is
 * named; a listed one; any other the server prices of the configured model's vendor (a
 * dated snapshot, a vendor-prefixed id). Anything else is 404 `model_not_found`. The demo
 * provider answers its own model only.
 */
export function modelFor(requested: string | null | undefined, configured: string, prices: PriceTable, options: GatewayModelOptions): string {
  if (!requested || requested === configured) return configured;
  if (listedModels(configured, prices, options).includes(requested)) return requested;
  const priced = prices.priceOf(requested).source !== 'fallback';
  if (priced && vendorOf(configured) !== 'credit-chat' && vendorOf(requested) === vendorOf(configured)) return requested;
  throw new ApiError('not_found', `The model \`${requested}\` does not exist or you do not have access to it.`, { field: 'model', openAiCode: 'model_not_found' });
}

/** One entry of OpenAI's model list. */
export function modelEntry(id: string, created: number) {
  return { id, object: 'model' as const, created, owned_by: vendorOf(id) };
}

/** What the model routes read: the workspace's provider and the price table. */
interface ModelSource {
  providers: { resolve(ctx: BuilderContext): Promise<{ model: string }> };
  prices: PriceTable;
}

/**
 * GET /models and GET /models/{id} in OpenAI's shapes, for a builder (the gateway's auth
 * runs before), and a 404 in OpenAI's shape for every other path under the gateway.
 */
export function mountModelRoutes(app: Hono<AppEnv>, ai: ModelSource, options: GatewayModelOptions): void {
  const created = Math.floor(Date.now() / 1000);
  handle(app, GATEWAY_BASE, routes.listModels, async (c) => {
    const { model } = await ai.providers.resolve(c.get('builder'));
    return { object: 'list' as const, data: listedModels(model, ai.prices, options).map((id) => modelEntry(id, created)) };
  });
  handle(app, GATEWAY_BASE, routes.retrieveModel, async (c, { params }) => {
    const { model } = await ai.providers.resolve(c.get('builder'));
    return modelEntry(modelFor(params.model, model, ai.prices, options), created);
  });
  app.all('*', (c) => {
    throw new ApiError('not_found', `no route ${c.req.method} ${c.req.path}`);
  });
}
