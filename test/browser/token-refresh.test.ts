import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { QueryClient } from '@tanstack/query-core';
import '../../src/define.js';
import { typeAndSend } from './support/compose.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import type { TokenAnswer } from '../../src/client/token-keeper.js';
import { createWorkspace, mintToken } from './support/backend.js';

const $ = <T extends Element = HTMLElement>(el: CreditChat, selector: string) => el.shadowRoot!.querySelector<T>(selector);

/** Types a prompt and presses Enter, as a builder does; resolves with how the answer ended. */
async function send(el: CreditChat, prompt: string): Promise<{ event: string; detail: any }> {
  await waitUntil(() => $(el, '[part="send-button"]') || $(el, 'textarea'), 'no composer', { timeout: 5000 });
  const ended = new Promise<{ event: string; detail: any }>((resolve) => {
    for (const event of ['credit-debited', 'credit-error', 'credit-insufficient']) {
      el.addEventListener(event, (e) => resolve({ event, detail: (e as CustomEvent).detail }), { once: true });
    }
  });
  await typeAndSend(el, prompt);
  return ended;
}

/** Every request the page sends to the API, with its Authorization header, while `body` runs. */
async function recordRequests<T>(body: (seen: { url: string; auth: string | null }[]) => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  const seen: { url: string; auth: string | null }[] = [];
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/api/v1/')) seen.push({ url, auth: new Headers(init?.headers).get('authorization') });
    return original(input, init);
  };
  try {
    return await body(seen);
  } finally {
    globalThis.fetch = original;
  }
}

/** Resolves once the clock has passed `at` (an ISO time): the token's real expiry, not a guess. */
function pastExpiry(at: string, plusMs = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(at) + plusMs - Date.now() + 50)));
}

describe('tokens that expire, through getToken(current)', function () {
  this.timeout(30_000);

  it('a token minted for 3 seconds keeps the element working after 6 seconds: getToken is asked again, with the current token', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 500 });
    const asked: (string | null)[] = [];
    const minted: string[] = [];
    const getToken = async (current: string | null): Promise<TokenAnswer> => {
      asked.push(current);
      const answer = await mintToken(ws.workspaceId, 'builder-1', 3);
      minted.push(answer.token);
      return answer;
    };
    const el = await fixture<CreditChat>(
      html`<credit-chat locale="en-US" operation="sql_generation" .getToken=${getToken} .queryClient=${new QueryClient()}></credit-chat>`,
    );
    const first = await send(el, 'Orders per day');
    expect(first.event).to.equal('credit-debited');
    expect(asked[0], 'the first call gets null').to.equal(null);
    const firstToken = await mintToken(ws.workspaceId, 'builder-1', 3); // its expiry bounds the first token's
    await pastExpiry(firstToken.expiresAt, 3_000); // 6 s after the first token was minted
    const later = await send(el, 'Orders per week');
    expect(later.event, JSON.stringify(later.detail)).to.equal('credit-debited');
    // (the chat's header balance is an element of its own with the same getToken: it asks too)
    const renewals = asked.filter((current) => current !== null);
    expect(renewals.length, 'asked again before or after expiry').to.be.greaterThan(0);
    expect(renewals.every((current) => minted.includes(current!)), 'later calls pass the current token').to.equal(true);
  });

  it('after a 401 token_expired it asks once more and sends the request again (a host that answers plain strings)', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 500 });
    const first = await mintToken(ws.workspaceId, 'builder-1', 1);
    const asked: (string | null)[] = [];
    const getToken = async (current: string | null) => {
      asked.push(current);
      return current === null ? first.token : (await mintToken(ws.workspaceId, 'builder-1', 600)).token;
    };
    const el = await fixture<CreditChat>(
      html`<credit-chat locale="en-US" operation="sql_generation" .getToken=${getToken} .queryClient=${new QueryClient()}></credit-chat>`,
    );
    await waitUntil(() => asked.length > 0, 'getToken was not asked on connect');
    await pastExpiry(first.expiresAt);
    await recordRequests(async (seen) => {
      const outcome = await send(el, 'Orders per day');
      expect(outcome.event, JSON.stringify(outcome.detail)).to.equal('credit-debited');
      const chats = seen.filter((r) => r.url.endsWith('/chat'));
      expect(chats.map((r) => r.auth === `Bearer ${first.token}`)).to.deep.equal([true, false], 'the expired token, then the renewed one');
    });
    expect(asked[0]).to.equal(null);
    expect(asked, 'renewed with the expired token as current').to.include(first.token);
  });

  it('sends nothing without a token when getToken is set after the element rendered (no 401s)', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 500 });
    await recordRequests(async (seen) => {
      const el = await fixture<CreditChat>(html`<credit-chat locale="en-US" operation="sql_generation" .queryClient=${new QueryClient()}></credit-chat>`);
      await el.updateComplete;
      el.getToken = () => ws.token;
      const total = () => el.shadowRoot!.querySelector('credit-balance')?.shadowRoot?.querySelector('[part="total"]')?.textContent ?? '';
      await waitUntil(() => total().includes('500'), 'the balance did not load with the token');
      const outcome = await send(el, 'Orders per day');
      expect(outcome.event).to.equal('credit-debited');
      const tokenless = seen.filter((r) => !r.auth && !r.url.endsWith('/operations'));
      expect(tokenless.map((r) => r.url)).to.deep.equal([]);
    });
  });

  it('switching builders through getToken starts a new conversation instead of a 404 (minted answers, and plain strings)', async () => {
    const ws = await createWorkspace({ builders: 2, creditsPerBuilder: 500 });
    for (const plain of [false, true]) {
      const as = (builder: string) => async () => {
        const answer = await mintToken(ws.workspaceId, builder, 600);
        return plain ? answer.token : answer;
      };
      const el = await fixture<CreditChat>(
        html`<credit-chat locale="en-US" operation="sql_generation" .getToken=${as('builder-1')} .queryClient=${new QueryClient()}></credit-chat>`,
      );
      expect((await send(el, 'Orders per day')).event).to.equal('credit-debited');
      const first = el.conversationId;
      expect(first).to.be.a('string');
      el.getToken = as('builder-2');
      const next = await send(el, 'Orders per week');
      expect(next.event, `${plain ? 'plain' : 'minted'}: ${JSON.stringify(next.detail)}`).to.equal('credit-debited');
      expect(el.conversationId).to.not.equal(first);
    }
  });
});
