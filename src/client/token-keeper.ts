/**
 * What a host's `getToken(current)` may answer: the token as a string, or what its server got
 * from `POST /api/v1/admin/workspaces/{id}/tokens` (`{ token, expiresAt, builder, workspaceId }`)
 * passed on as it is. With `expiresAt` the element asks again shortly before it; with
 * `builder` (and `workspaceId`) it knows when the builder changed. `null` or `undefined`: no
 * token now (nothing is sent).
 */
export type TokenAnswer =
  | string
  | { token: string; expiresAt?: string | number | null; builder?: string; workspaceId?: string }
  | null
  | undefined;

/** The host's token function; `current` is the token the element holds (null the first time). */
export type TokenProvider = (current: string | null) => TokenAnswer | Promise<TokenAnswer>;

/** Where a keeper reads the token from: the element's `getToken` and `token` as they are now. */
export interface TokenSource {
  getToken?: TokenProvider;
  token?: string | null;
}

interface Held {
  token: string;
  /** ms since the epoch; null when the host did not say */
  expiresAt: number | null;
  /** `workspaceId/builder` when the host said; null otherwise */
  identity: string | null;
}

/** Ask again this long before expiry: a fifth of the lifetime, at most a minute. */
export function refreshLead(lifetimeMs: number): number {
  return Math.min(60_000, Math.max(0, lifetimeMs / 5));
}

function normalize(answer: TokenAnswer): Held | null {
  if (!answer) return null;
  if (typeof answer === 'string') return { token: answer, expiresAt: null, identity: null };
  if (typeof answer.token !== 'string' || !answer.token) return null;
  const expiry = answer.expiresAt == null ? NaN : typeof answer.expiresAt === 'number' ? answer.expiresAt : Date.parse(answer.expiresAt);
  const identity = answer.builder ? `${answer.workspaceId ?? ''}/${answer.builder}` : null;
  return { token: answer.token, expiresAt: Number.isFinite(expiry) ? expiry : null, identity };
}

/**
 * Holds an element's token: asks the host's `getToken(current)` when first needed (the element
 * connects), again shortly before the token expires (a timer while started, and before any
 * request made after that point) and once after a 401 `token_expired`. Until the element has a
 * `token` or a `getToken`, a request waits for one: nothing is sent without a token.
 */
export class TokenKeeper {
  private held: Held | null = null;
  private asking: Promise<Held | null> | null = null;
  private seenProvider: TokenProvider | undefined;
  private waiters: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  /** Called when the token names another builder than the last one (the host switched builders). */
  onIdentityChange: ((identity: string | null) => void) | undefined;

  constructor(
    private readonly source: () => TokenSource,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Who started each conversation the element saw (by builder when the host said, and by token). */
  private readonly starters = new Map<string, { identity: string | null; token: string | null }>();

  /** Notes who started a conversation (the first time it is seen). */
  noteStarter(conversationId: string, token: string | null): void {
    if (!this.starters.has(conversationId)) this.starters.set(conversationId, { identity: this.identity, token });
  }

  starterOf(conversationId: string): { identity: string | null; token: string | null } | undefined {
    return this.starters.get(conversationId);
  }

  /** The builder the held token names (`workspaceId/builder`), when the host said. */
  get identity(): string | null {
    return this.held?.identity ?? null;
  }

  /** The token to send now: waits until there is a source, asks the host when the held one is missing or about to expire. */
  async token(): Promise<string | null> {
    for (;;) {
      const { getToken, token } = this.source();
      if (getToken) {
        if (getToken !== this.seenProvider) this.forget(getToken);
        const held = this.held && !this.expiring(this.held) ? this.held : await this.ask(getToken);
        return held?.token ?? null;
      }
      if (token) return token;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** After a 401 `token_expired`: asks the host once more, whatever the held token's expiry says. */
  async renew(expired: string): Promise<string | null> {
    const { getToken } = this.source();
    if (!getToken) return null;
    if (this.held && this.held.token !== expired) return this.held.token; // another request renewed it already
    this.held = null;
    return (await this.ask(getToken, expired))?.token ?? null;
  }

  /** The element's `token` or `getToken` changed: wake the requests that wait for one. */
  sourceChanged(): void {
    const { getToken } = this.source();
    if (getToken !== this.seenProvider) this.forget(getToken);
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
    if (this.started && getToken && !this.held) void this.token();
  }

  /** The element connected: ask for a token now when there is a getToken, and keep it fresh. */
  start(): void {
    this.started = true;
    if (this.source().getToken) void this.token().catch(() => undefined);
    this.schedule();
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private forget(provider: TokenProvider | undefined): void {
    this.seenProvider = provider;
    this.held = null;
    this.asking = null;
    this.round = undefined;
  }

  private expiring(held: Held): boolean {
    return held.expiresAt !== null && this.now() >= held.expiresAt - this.lead(held);
  }

  private lead(held: Held): number {
    return held.expiresAt === null ? 0 : refreshLead(Math.max(0, held.expiresAt - (this.issuedAt ?? this.now())));
  }
  private issuedAt: number | undefined;

  private ask(getToken: TokenProvider, current: string | null = this.held?.token ?? null): Promise<Held | null> {
    if (this.asking) return this.asking;
    const round = {};
    this.round = round;
    this.asking = (async () => {
      try {
        const answer = normalize(await getToken(current));
        if (this.round !== round) return answer; // the source changed meanwhile
        const before = this.lastIdentity;
        this.held = answer;
        this.issuedAt = this.now();
        if (answer?.identity) {
          this.lastIdentity = answer.identity;
          if (before !== undefined && before !== answer.identity) this.onIdentityChange?.(answer.identity);
        }
        this.schedule();
        return answer;
      } finally {
        if (this.round === round) this.asking = null;
      }
    })();
    return this.asking;
  }
  private round: object | undefined;
  private lastIdentity: string | undefined;

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const held = this.held;
    if (!this.started || !held || held.expiresAt === null) return;
    const getToken = this.source().getToken;
    if (!getToken) return;
    const wait = Math.max(0, held.expiresAt - this.lead(held) - this.now());
    this.timer = setTimeout(() => {
      if (this.held === held) void this.ask(getToken).catch(() => undefined);
    }, wait);
  }
}
