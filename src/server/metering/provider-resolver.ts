import { createProvider, DEFAULT_MODELS, type ChatProvider, type ProviderOptions, type ProviderSettings } from '../ai/index.js';
import type { ByokStore } from '../byok/byok-store.js';
import type { BuilderContext } from '../ledger/ledger.js';

/** The provider a workspace's operations go to: the server's, or the workspace's own (BYOK). */
export interface ResolvedProvider {
  /** the model that answers, priced and tokenized */
  model: string;
  /** true when the workspace's own key pays: nothing is held or debited */
  byok: boolean;
  /** the provider itself; for BYOK this decrypts the key, so estimates never call it */
  connect(): ChatProvider;
}

export class ProviderResolver {
  private readonly serverProvider: ChatProvider;

  constructor(
    settings: ProviderSettings,
    private readonly options: ProviderOptions,
    private readonly byok: ByokStore,
    /** the fetch of calls on a workspace's own key (byok/outbound.ts); undefined: the server's own */
    private readonly byokFetch?: typeof fetch,
  ) {
    this.serverProvider = createProvider(settings, options);
  }

  /** The model of the server's provider: what workspaces without their own key run. */
  get model(): string {
    return this.serverProvider.model;
  }

  /** The server's provider and model, for the startup line, e.g. `demo credit-chat-demo-1`. */
  describe(): string {
    return `${this.serverProvider.name} ${this.serverProvider.model}`;
  }

  async resolve(ctx: BuilderContext): Promise<ResolvedProvider> {
    // ctx.byok comes from the token look-up; the row is read only for workspaces that have one
    const own = ctx.byok ? await this.byok.stored(ctx.workspaceId) : null;
    if (!own) {
      const provider = this.serverProvider;
      return { model: provider.model, byok: false, connect: () => provider };
    }
    const model = own.model ?? DEFAULT_MODELS[own.provider];
    return {
      model,
      byok: true,
      connect: () =>
        createProvider({ ...this.byok.decrypt(ctx.workspaceId, own), model }, this.byokFetch ? { ...this.options, fetch: this.byokFetch } : this.options),
    };
  }
}
