import {
  MutationObserver,
  QueryObserver,
  notifyManager,
  type MutationObserverOptions,
  type MutationObserverResult,
  type QueryClient,
  type QueryObserverOptions,
  type QueryObserverResult,
} from '@tanstack/query-core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { connectQueryClient } from './balance-sync.js';
import type { TokenKeeper, TokenSource } from './token-keeper.js';

/**
 * Keeps the host's QueryClient mounted (focus and online refetching, cross-tab balance sync)
 * while the host is connected; follows the host when it is given another client.
 */
export class QueryClientLink implements ReactiveController {
  private linked: QueryClient | undefined;
  private release: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, private readonly clientOf: () => QueryClient) {
    host.addController(this);
  }

  /** Properties a page set before the element was defined are applied just before the first update; link then. */
  private updatedOnce = false;

  hostConnected(): void {
    if (this.updatedOnce) this.relink();
  }

  hostUpdate(): void {
    this.updatedOnce = true;
    this.relink();
  }

  hostDisconnected(): void {
    this.release?.();
    this.release = undefined;
    this.linked = undefined;
  }

  private relink(): void {
    const client = this.clientOf();
    if (client === this.linked) return;
    this.release?.();
    this.linked = client;
    this.release = connectQueryClient(client);
  }
}

interface Observer<Result, Options> {
  subscribe(listener: (result: Result) => void): () => void;
  setOptions(options: Options): void;
  getCurrentResult(): Result;
}

/**
 * One query-core observer bound to a Lit host: made for the host's current QueryClient (again
 * when that changes), given fresh options before every render, subscribed while the host is
 * connected. Notifications are batched by query-core's notifyManager and end in one
 * `requestUpdate`, so a burst of cache changes renders once.
 */
abstract class ObserverController<Result, Options> implements ReactiveController {
  protected observer: Observer<Result, Options> | undefined;
  private observedClient: QueryClient | undefined;
  private unsubscribe: (() => void) | undefined;
  private connected = false;
  private latest!: Result;

  constructor(
    protected readonly host: ReactiveControllerHost,
    protected readonly clientOf: () => QueryClient,
    protected readonly optionsOf: () => Options,
  ) {
    host.addController(this);
  }

  /** The observer's latest result; read it in willUpdate or render (the first read sets the observer up). */
  get result(): Result {
    if (!this.observer) this.sync();
    return this.latest;
  }

  /** Where the query or mutation is: `pending` / `success` / `error` (and `idle` for a mutation not yet run). */
  get status(): Result extends { status: infer Status } ? Status : never {
    return (this.result as { status: never }).status;
  }

  protected abstract createObserver(client: QueryClient, options: Options): Observer<Result, Options>;
  protected abstract optimisticResult(client: QueryClient, options: Options): Result;

  hostConnected(): void {
    this.connected = true;
    // The first fetch waits for the first update: properties a page set before the element was
    // defined (the token, the QueryClient) are applied only then. A reconnect resubscribes at once.
    if (this.observer) this.sync();
  }

  hostUpdate(): void {
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  protected sync(): void {
    const client = this.clientOf();
    const options = this.optionsOf();
    if (!this.observer || this.observedClient !== client) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.observer = this.createObserver(client, options);
      this.observedClient = client;
    } else {
      this.observer.setOptions(options);
    }
    if (this.connected && !this.unsubscribe) {
      this.unsubscribe = this.observer.subscribe(
        notifyManager.batchCalls((result: Result) => {
          this.latest = result;
          this.host.requestUpdate();
        }),
      );
    }
    this.latest = this.optimisticResult(client, options);
  }
}

/** A query bound to a Lit host, with its status as query-core reports it (`pending`, `success`, `error`). */
export class QueryController<Data, Error = unknown> extends ObserverController<
  QueryObserverResult<Data, Error>,
  QueryObserverOptions<Data, Error>
> {
  protected createObserver(client: QueryClient, options: QueryObserverOptions<Data, Error>) {
    return new QueryObserver<Data, Error>(client, options);
  }

  protected optimisticResult(client: QueryClient, options: QueryObserverOptions<Data, Error>) {
    const observer = this.observer as QueryObserver<Data, Error>;
    return observer.getOptimisticResult(client.defaultQueryOptions(options));
  }

  get data(): Data | undefined {
    return this.result.data;
  }

  /** Fetches again now, whatever the staleness. */
  refetch(): void {
    void (this.observer as QueryObserver<Data, Error>).refetch();
  }
}

/** A mutation bound to a Lit host; `mutate` runs it, `result.status` says where it is (`idle`, `pending`, `success`, `error`). */
export class MutationController<Data, Error, Variables> extends ObserverController<
  MutationObserverResult<Data, Error, Variables>,
  MutationObserverOptions<Data, Error, Variables>
> {
  protected createObserver(client: QueryClient, options: MutationObserverOptions<Data, Error, Variables>) {
    return new MutationObserver<Data, Error, Variables>(client, options);
  }

  protected optimisticResult() {
    return this.observer!.getCurrentResult();
  }

  /** Runs the mutation; resolves with its data, rejects with its error. */
  mutate(variables: Variables): Promise<Data> {
    if (!this.observer) this.sync();
    return (this.observer as MutationObserver<Data, Error, Variables>).mutate(variables);
  }
}

/**
 * Binds an element's TokenKeeper to its life: asks for a token when the element connects,
 * keeps it fresh while connected, and wakes the requests that wait for a token as soon as
 * the page sets `token` or `getToken` (even after the element's first render).
 */
export class TokenLink implements ReactiveController {
  private seen: TokenSource = {};

  constructor(
    host: ReactiveControllerHost,
    private readonly keeper: TokenKeeper,
    private readonly read: () => TokenSource,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.keeper.start();
  }

  hostUpdate(): void {
    const now = this.read();
    if (now.getToken === this.seen.getToken && now.token === this.seen.token) return;
    this.seen = { getToken: now.getToken, token: now.token };
    this.keeper.sourceChanged();
  }

  hostDisconnected(): void {
    this.keeper.stop();
  }
}
