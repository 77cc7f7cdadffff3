import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { QueryClient } from '@tanstack/query-core';
import '../../src/define.js';
import type { CreditBalance } from '../../src/components/credit-balance/credit-balance.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import type { CreditDebitedEvent } from '../../src/events/index.js';
import { createWorkspace } from './support/backend.js';

const total = (el: Element | null | undefined) => el?.shadowRoot?.querySelector('[part="total"]')?.textContent ?? '';

/** Spends credits behind the elements' back, as another client of the API would. */
async function debit(token: string, credits: number): Promise<void> {
  const response = await fetch('/api/v1/debits', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ operation: 'custom_code', credits, idempotencyKey: crypto.randomUUID() }),
  });
  expect(response.status).to.equal(201);
}

describe('refreshBalance() and the balance shared by the workspace\'s builders', () => {
  it('refreshBalance() on <credit-balance> and <credit-chat> fetches the balance again', async () => {
    // two builders of one workspace (a fetched balance is shared at once only with the same token's tabs)
    const { tokens } = await createWorkspace({ builders: 2, creditsPerBuilder: 50 });
    const token = tokens[0]!;
    const balance = await fixture<CreditBalance>(html`<credit-balance token=${token} locale="en-US" .queryClient=${new QueryClient()}></credit-balance>`);
    const chat = await fixture<CreditChat>(html`<credit-chat token=${tokens[1]} locale="en-US" .queryClient=${new QueryClient()}></credit-chat>`);
    const header = () => chat.shadowRoot!.querySelector('credit-balance');
    await waitUntil(() => total(balance) === '100' && total(header()) === '100', 'no balance');
    await debit(token, 7);
    await balance.refreshBalance();
    await waitUntil(() => total(balance) === '93', 'credit-balance did not refresh');
    // the other builder's chat keeps its fresh (10 s) balance until asked
    expect(total(header())).to.equal('100');
    await debit(token, 3);
    await chat.refreshBalance();
    await waitUntil(() => total(header()) === '90', 'credit-chat did not refresh');
  });

  it('a receipt in one builder\'s tab makes the other builders\' tabs on the same API base fetch their balance', async () => {
    const { tokens } = await createWorkspace({ builders: 2, creditsPerBuilder: 100 });
    // Three QueryClients, as three tabs (each has its own BroadcastChannel): builder 1, builder 2, builder 1 again.
    const first = await fixture<CreditBalance>(html`<credit-balance token=${tokens[0]} locale="en-US" .queryClient=${new QueryClient()}></credit-balance>`);
    const second = await fixture<CreditBalance>(html`<credit-balance token=${tokens[1]} locale="en-US" .queryClient=${new QueryClient()}></credit-balance>`);
    const sameBuilder = await fixture<CreditBalance>(html`<credit-balance token=${tokens[0]} locale="en-US" .queryClient=${new QueryClient()}></credit-balance>`);
    await waitUntil(() => [first, second, sameBuilder].every((el) => total(el) === '200'), 'no balance');
    // builder 1 asks the chat in the first tab: its receipt updates that tab's balance
    const chat = await fixture<CreditChat>(html`<credit-chat token=${tokens[0]} locale="en-US" operation="custom_code" .queryClient=${first.queryClient}></credit-chat>`);
    await waitUntil(() => chat.shadowRoot!.querySelector('[part="composer"]'), 'chat not ready');
    const textarea = chat.shadowRoot!.querySelector('textarea')!;
    textarea.value = 'A debounce helper';
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await chat.updateComplete;
    const started = performance.now();
    const fetched = () =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => entry.startTime > started && entry.name.endsWith('/api/v1/balance')).length;
    const debited = new Promise<CreditDebitedEvent>((resolve) => chat.addEventListener('credit-debited', resolve, { once: true }));
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    const { receipt } = (await debited).detail;
    expect(receipt.balance.total).to.be.below(200);
    const after = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(receipt.balance.total);
    await waitUntil(() => total(first) === after, 'the first tab did not take its receipt');
    await waitUntil(() => total(sameBuilder) === after, 'the same builder\'s tab did not follow');
    await waitUntil(() => total(second) === after, 'the other builder\'s tab did not follow');
    // one fetch, the other builder's: the same-token tabs took the receipt's balance, and nothing ping-ponged
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fetched()).to.equal(1);
  });
});
