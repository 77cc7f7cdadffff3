import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { MutationObserver as QueryMutationObserver, QueryClient } from '@tanstack/query-core';
import '../../src/define.js';
import { typeAndSend } from './support/compose.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import { CreditApiClient, CreditApiError } from '../../src/client/api-client.js';
import { chatMutationOptions, type ChatVariables } from '../../src/client/query.js';
import { OPERATION_TYPES, type Receipt } from '../../src/contract/index.js';
import { createWorkspace } from './support/backend.js';
import { answerMarkdown } from './support/answer.js';

const $ = <T extends Element = HTMLElement>(el: CreditChat, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const $$ = (el: CreditChat, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function chatFor(
  workspace: { builders?: number; creditsPerBuilder?: number; addon?: number; byok?: boolean },
  attrs: { byokAvailable?: boolean; operation?: string } = {},
): Promise<CreditChat> {
  const { token } = await createWorkspace({ builders: 1, ...workspace });
  const el = await fixture<CreditChat>(
    html`<credit-chat
      token=${token}
      locale="en-US"
      theme="light"
      operation=${attrs.operation ?? 'sql_generation'}
      ?byok-available=${attrs.byokAvailable ?? false}
      .queryClient=${new QueryClient()}
    ></credit-chat>`,
  );
  await waitUntil(() => $(el, '[part="composer"]'), 'the composer did not render');
  return el;
}

function headerTotal(el: CreditChat): string {
  return $(el, 'credit-balance')?.shadowRoot?.querySelector('[part="total"]')?.textContent ?? '';
}

const send = typeAndSend;

describe('<credit-chat> chatting with the real server (demo provider)', () => {
  it('shows the live estimate for the prompt, and every operation\'s estimate in the picker', async () => {
    const el = await chatFor({ creditsPerBuilder: 500 });
    const textarea = $<HTMLTextAreaElement>(el, 'textarea')!;
    textarea.value = 'Top 10 customers by revenue this year';
    textarea.dispatchEvent(new InputEvent('input'));
    await waitUntil(() => /^≈ [\d.,]+ credits, up to [\d.,]+$/.test(text($(el, '[part="estimate"]'))), 'no estimate', { timeout: 5000 });
    // The picker shows each type's estimate from the server once it is focused.
    const client = new CreditApiClient({ apiBase: '/api/v1', getToken: () => el.token });
    const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
    const expected = await Promise.all(OPERATION_TYPES.map(async (operation) => format.format((await client.estimate({ operation, prompt: '' })).expected)));
    const picker = $<HTMLSelectElement>(el, '[part="operation-picker"]')!;
    picker.dispatchEvent(new FocusEvent('focus'));
    const shown = () => [...picker.options].map((option) => text(option).replace(/^.* · ≈ /, ''));
    await waitUntil(() => shown().join() === expected.join(), `picker shows ${shown().join()}, server ${expected.join()}`, { timeout: 5000 });
  });

  it('streams the answer as markdown, then a receipt; credit-debited carries it and the header balance follows it', async () => {
    const el = await chatFor({ creditsPerBuilder: 500 });
    await waitUntil(() => headerTotal(el) === '500', 'balance not shown');
    const debited = oneEvent(el, 'credit-debited');
    await send(el, 'Orders per day for the last week');
    const { receipt } = (await debited).detail as { receipt: Receipt };
    await el.updateComplete;
    const answer = $(el, '[part~="assistant-message"]')!;
    expect(answer.getAttribute('aria-busy')).to.equal('false');
    expect(answerMarkdown(answer)!.children.length).to.be.greaterThan(0);
    expect(receipt.credits).to.be.greaterThan(0);
    expect(receipt.fromMonthly + receipt.fromAddon).to.be.closeTo(receipt.credits, 0.0005);
    const shown = text($(el, '[part="receipt"]'));
    expect(shown).to.match(/^Receipt: Charged [\d.,]+ credits · estimate ≈ [\d.,]+, up to [\d.,]+ · [\d.,]+ monthly \+ 0 add-on · [\d,]+ tokens in, [\d,]+ out$/);
    await waitUntil(() => headerTotal(el) === new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(receipt.balance.total));
    expect(el.conversationId).to.be.a('string').and.not.equal('');
    expect($$(el, '[part~="user-message"] .prompt').map(text)).to.deep.equal(['Orders per day for the last week']);
    expect(el.messages.map((m) => [m.role, m.status])).to.deep.equal([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
  });

  it('continues the conversation: the second message goes with the conversation id', async () => {
    const el = await chatFor({ creditsPerBuilder: 500 });
    let debited = oneEvent(el, 'credit-debited');
    await send(el, 'Orders per day for the last week');
    await debited;
    const conversationId = el.conversationId;
    const before = oneEvent(el, 'credit-before-send');
    debited = oneEvent(el, 'credit-debited');
    await send(el, 'Now only the paid ones');
    expect((await before).detail.conversationId).to.equal(conversationId);
    await debited;
    expect(el.conversationId).to.equal(conversationId);
    expect($$(el, '[part~="message"]')).to.have.length(4);
  });

  it('Escape stops a streaming answer: what arrived stays, marked stopped, and Send comes back', async () => {
    const el = await chatFor({ creditsPerBuilder: 500 }, { operation: 'app_generation' });
    // Press Escape the moment the first text of the answer is on screen.
    const stopped = new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => {
        const view = el.shadowRoot!.querySelector('[part~="assistant-message"] credit-markdown');
        if (view?.shadowRoot) observer.observe(view.shadowRoot, { subtree: true, childList: true, characterData: true });
        const markdown = answerMarkdown(el.shadowRoot!.querySelector('[part~="assistant-message"]'));
        if (markdown?.textContent) {
          observer.disconnect();
          el.shadowRoot!.querySelector('textarea')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
          resolve();
        }
      });
      observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    });
    await send(el, 'An app to track customer orders with a dashboard');
    await stopped;
    await waitUntil(() => $(el, '[part="send-button"]'), 'Send did not come back');
    expect(el.messages[1]!.status).to.equal('stopped');
    expect(text($(el, '.outcome-note'))).to.contain('Stopped');
    expect($(el, '[part="stop-button"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('refuses plainly when credits run out: needed against available, Get AI credits and Use your own key', async () => {
    const el = await chatFor({ creditsPerBuilder: 1 }, { byokAvailable: true, operation: 'app_generation' });
    const insufficient = oneEvent(el, 'credit-insufficient');
    const errors: Event[] = [];
    el.addEventListener('credit-error', (event) => errors.push(event));
    await send(el, 'An app to track customer orders with a dashboard');
    const { needed, available } = (await insufficient).detail;
    expect(available).to.equal(1);
    expect(needed).to.be.greaterThan(1);
    await el.updateComplete;
    // one 402, one event: credit-insufficient, not credit-error besides (both are dispatched in the same task)
    expect(errors, 'credit-error fired for a 402').to.have.length(0);
    const notice = $(el, '.notice.insufficient')!;
    expect(notice.getAttribute('role')).to.equal('alert');
    expect(text(notice.querySelector('p'))).to.equal(
      `Not enough AI credits: this needs up to ${new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(needed)} and 1 are available.`,
    );
    const buttons = [...notice.querySelectorAll('button')];
    expect(buttons.map(text)).to.deep.equal(['Get AI credits', 'Use your own key', 'Dismiss']);
    const buy = oneEvent(el, 'credit-buy');
    buttons[1]!.click();
    expect((await buy).detail).to.deep.equal({ option: 'own-key' });
    expect(el.messages[1]!.status).to.equal('failed');
    expect(headerTotal(el)).to.equal('1');
    await expect(el).to.be.accessible();
  });

  it('with the workspace\'s own key: says so, estimates no credits, and charges none', async () => {
    const el = await chatFor({ creditsPerBuilder: 100, byok: true });
    await waitUntil(() => text($(el, '.byok-badge')) === 'Using your own key', 'no BYOK badge', { timeout: 5000 });
    expect(text($(el, '[part="estimate"]'))).to.equal('Your own key pays: no credits');
    const debited = oneEvent(el, 'credit-debited');
    await send(el, 'Orders per day for the last week');
    const { receipt } = (await debited).detail as { receipt: Receipt };
    expect(receipt.byok).to.equal(true);
    expect(receipt.credits).to.equal(0);
    await el.updateComplete;
    expect(text($(el, '[part="receipt"]'))).to.match(/^Receipt: Paid with your own key: no credits · [\d,]+ tokens in, [\d,]+ out$/);
    expect(headerTotal(el)).to.equal('100');
    await expect(el).to.be.accessible();
  });

  it('is accessible mid-conversation with an answer and its receipt', async () => {
    const el = await chatFor({ creditsPerBuilder: 500 });
    const debited = oneEvent(el, 'credit-debited');
    await send(el, 'Orders per day for the last week');
    await debited;
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});

describe('retrying a chat', () => {
  it('Retry after a refusal sends the same prompt again as a new request, without a second question', async () => {
    const el = await chatFor({ creditsPerBuilder: 1 }, { operation: 'app_generation' });
    let refused = oneEvent(el, 'credit-insufficient');
    await send(el, 'An app to track customer orders with a dashboard');
    await refused;
    await el.updateComplete;
    const before = oneEvent(el, 'credit-before-send');
    refused = oneEvent(el, 'credit-insufficient');
    $<HTMLButtonElement>(el, '.failure button')!.click();
    expect((await before).detail).to.include({ operation: 'app_generation', prompt: 'An app to track customer orders with a dashboard' });
    await refused;
    await el.updateComplete;
    expect(el.messages.map((m) => [m.role, m.status])).to.deep.equal([
      ['user', 'complete'],
      ['assistant', 'failed'],
    ]);
  });

  it('retries a network failure with the same variables, so with the same idempotency key', async () => {
    const queryClient = new QueryClient();
    const client = new CreditApiClient({ apiBase: 'http://127.0.0.1:9/api/v1' });
    const observer = new QueryMutationObserver(queryClient, chatMutationOptions(client, queryClient));
    const variables: ChatVariables = {
      request: { operation: 'sql_generation', prompt: 'hello', idempotencyKey: 'key-0123456789' },
      signal: new AbortController().signal,
      onEvent: () => undefined,
    };
    const seen: ChatVariables[] = [];
    const unsubscribe = queryClient.getMutationCache().subscribe((event) => {
      if (event.mutation?.state.variables) seen.push(event.mutation.state.variables as ChatVariables);
    });
    try {
      await observer.mutate(variables);
      throw new Error('expected a network failure');
    } catch (error) {
      expect((error as CreditApiError).code).to.equal('network');
    } finally {
      unsubscribe();
    }
    const state = observer.getCurrentResult();
    expect(state.failureCount).to.equal(3);
    expect(new Set(seen.map((v) => v.request.idempotencyKey))).to.deep.equal(new Set(['key-0123456789']));
  });

  it('does not retry what the server answered (402, 4xx, error events)', () => {
    const options = chatMutationOptions(new CreditApiClient({ apiBase: '/api/v1' }), new QueryClient());
    const retry = options.retry as (failureCount: number, error: unknown) => boolean;
    expect(retry(0, new CreditApiError(0, 'network', 'down'))).to.equal(true);
    expect(retry(2, new CreditApiError(0, 'network', 'down'))).to.equal(false);
    for (const error of [
      new CreditApiError(402, 'insufficient_credits', 'no'),
      new CreditApiError(429, 'rate_limited', 'slow down'),
      new CreditApiError(502, 'provider_error', 'failed'),
      new CreditApiError(0, 'stream_interrupted', 'cut'),
      new DOMException('stopped', 'AbortError'),
    ]) {
      expect(retry(0, error), String(error)).to.equal(false);
    }
  });
});

describe('provider failure', () => {
  it('says the answer failed and that nothing was charged, with Retry; credit-error carries the code', async () => {
    const { token } = await createWorkspace({ builders: 1, creditsPerBuilder: 100 });
    // The workspace's own key is wrong: the provider (this server's OpenAI-compatible gateway) refuses it.
    const stored = await fetch('/api/v1/byok', {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai', apiKey: 'sk-not-a-valid-key', baseUrl: new URL('/__test__/v1', location.href).href, model: 'credit-chat-demo-1' }),
    });
    expect(stored.ok, `PUT /byok answered ${stored.status}`).to.equal(true);
    const el = await fixture<CreditChat>(html`<credit-chat token=${token} locale="en-US" theme="light" .queryClient=${new QueryClient()}></credit-chat>`);
    await waitUntil(() => $(el, '[part="composer"]'), 'the composer did not render');
    const failed = oneEvent(el, 'credit-error');
    await send(el, 'Orders per day for the last week');
    const { detail } = await failed;
    expect(detail.code).to.not.equal('network');
    // the failed answer and its conversation are named
    expect(detail.conversationId).to.be.a('string');
    expect(detail.conversationId).to.equal(el.conversationId);
    expect(detail.messageId).to.equal(el.messages[1]!.id);
    await el.updateComplete;
    const note = text($(el, '.failure p'));
    expect(note).to.match(/^The answer failed \(.+\)\. You were not charged\.$/);
    expect(text($(el, '.failure button'))).to.equal('Retry');
    expect(el.messages[1]!.status).to.equal('failed');
    await expect(el).to.be.accessible();
  });
});
