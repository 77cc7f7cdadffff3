import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { QueryClient } from '@tanstack/query-core';
import { CreditApiClient } from '../../client/api-client.js';
import { QueryClientLink, TokenLink } from '../../client/controllers.js';
import { TokenKeeper, type TokenProvider } from '../../client/token-keeper.js';
import { creditKeys, identityOf, sharedQueryClient } from '../../client/query.js';
import { localeFormat, type LocaleFormat } from '../../i18n/format.js';
import { mergeStrings, type CreditStrings } from '../../i18n/strings.js';
import { resumePurchase } from './buy-credits.js';

/**
 * The host's token function, called with the token the element holds (null the first time):
 * it answers the token, or its server's `{ token, expiresAt, builder, workspaceId }` (see
 * src/client/token-keeper.ts), and is asked again shortly before `expiresAt`.
 */
export type TokenSource = TokenProvider;

/**
 * What `<credit-chat>` and `<credit-balance>` share: where the API is and how to authenticate,
 * the QueryClient (the host's or the page's shared one), locale, theme and strings.
 */
export class CreditElement extends LitElement {
  /** Base URL of the credit-chat HTTP API. */
  @property({ attribute: 'api-base', reflect: true }) apiBase = '/api/v1';

  /** The builder's bearer token. Prefer `getToken` when the token is refreshed. */
  @property() token?: string;

  /** Returns the builder's bearer token for each request; wins over `token`. */
  @property({ attribute: false }) getToken?: TokenSource;

  /** The host's TanStack QueryClient, to share its cache; by default the elements of a page share one of their own. */
  @property({ attribute: false }) queryClient?: QueryClient;

  /** BCP 47 locale for numbers and dates (Intl); by default the page's `lang`, then the browser's. */
  @property({ reflect: true }) locale?: string;

  /** `light` or `dark`; without it the element follows `prefers-color-scheme`. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** Translations: any of the default strings replaced (see `src/i18n/strings.ts`). */
  @property({ attribute: false }) strings?: Partial<CreditStrings>;

  private clientCache: { key: string; client: CreditApiClient } | undefined;

  /** The element's token: nothing is sent before it has one; renewed before it expires. */
  protected readonly tokens = new TokenKeeper(() => ({ getToken: this.getToken, token: this.token }));

  constructor() {
    super();
    new QueryClientLink(this, () => this.resolvedQueryClient);
    new TokenLink(this, this.tokens, () => ({ getToken: this.getToken, token: this.token }));
    // another builder: their balance, not the last one's
    this.tokens.onIdentityChange = () => void this.refreshBalance();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    resumePurchase(this);
  }

  /**
   * Fetches the balance again now, for example after the host's purchase flow added credits;
   * resolves once it is fetched. The other elements showing the same balance follow.
   */
  refreshBalance(): Promise<void> {
    return this.resolvedQueryClient.invalidateQueries({ queryKey: creditKeys.balance(this.client.scope), exact: true });
  }

  /** The QueryClient in use: the host's or the page's shared one. */
  protected get resolvedQueryClient(): QueryClient {
    return this.queryClient ?? sharedQueryClient();
  }

  /** The API client for the current `api-base` and token, made again only when they change. */
  protected get client(): CreditApiClient {
    const identity = this.getToken ? '' : identityOf(this.token);
    const key = `${this.apiBase}|${identity}`;
    const cached = this.clientCache;
    // the token keeper reads getToken and token itself: a new getToken needs no new client
    if (cached && cached.key === key) return cached.client;
    const client = new CreditApiClient({ apiBase: this.apiBase, identity, tokens: this.tokens });
    this.clientCache = { key, client };
    return client;
  }

  protected get format(): LocaleFormat {
    return localeFormat(this.locale || document.documentElement.lang || undefined);
  }

  protected get text(): CreditStrings {
    return mergeStrings(this.strings);
  }
}
