import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { QueryClient } from '@tanstack/query-core';
import '../../src/define.js';
import type { CreditBalance } from '../../src/components/credit-balance/credit-balance.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import type { BalanceAlert } from '../../src/contract/index.js';
import type { CreditThresholdEvent } from '../../src/events/index.js';
import { createWorkspace, setBuilderLimits } from './support/backend.js';
import { balanceFixture } from './support/fixtures.js';

const text = (element: Element | null | undefined) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
let minute = 0;
/** an alert crossed at a time no other test used: the page announces each crossing once */
const alert = (kind: BalanceAlert['kind'], threshold: number): BalanceAlert => ({
  kind,
  threshold,
  crossedAt: new Date(Date.UTC(2026, 10, 21, 10, minute++)).toISOString(),
});

/** The credit-threshold events the page hears while `work` runs. */
async function heard(work: () => Promise<void>): Promise<CreditThresholdEvent[]> {
  const events: CreditThresholdEvent[] = [];
  const listener = (event: CreditThresholdEvent) => events.push(event);
  document.body.addEventListener('credit-threshold', listener);
  try {
    await work();
  } finally {
    document.body.removeEventListener('credit-threshold', listener);
  }
  return events;
}

describe('thresholds in the widget', () => {
  it('<credit-balance> shows the most urgent state, announces it politely and fires credit-threshold once per crossing', async () => {
    let el!: CreditBalance;
    const seventyFive = alert('monthly_percent', 75);
    const first = await heard(async () => {
      el = await fixture<CreditBalance>(
        html`<credit-balance .balance=${balanceFixture({ alerts: [seventyFive] })} locale="en-US" theme="light"></credit-balance>`,
      );
    });
    expect(el.getAttribute('state')).to.equal('warning');
    expect(first.map((e) => [e.detail.kind, e.detail.threshold, e.detail.state])).to.deep.equal([['monthly_percent', 75, 'warning']]);
    const status = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(text(status)).to.contain('running low');
    expect(text(el.shadowRoot!.querySelector('[part="trigger"]'))).to.contain('running low');

    const ninety = alert('monthly_percent', 90);
    const second = await heard(async () => {
      el.balance = balanceFixture({ total: 150, alerts: [seventyFive, ninety] });
      await el.updateComplete;
    });
    expect(el.getAttribute('state')).to.equal('critical');
    expect(second.map((e) => [e.detail.threshold, e.detail.state])).to.deep.equal([[90, 'critical']]);
    expect(text(status)).to.contain('almost out');

    el.balance = balanceFixture({ total: 0, alerts: [seventyFive, ninety, alert('depleted', 0)] });
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('depleted');
    await expect(el).to.be.accessible();

    el.balance = balanceFixture({ alerts: [] });
    await el.updateComplete;
    expect(el.hasAttribute('state')).to.equal(false);
  });

  it('<credit-balance> shows "your limit: 120 of 200 used" when a builder limit applies', async () => {
    const el = await fixture<CreditBalance>(
      html`<credit-balance .balance=${balanceFixture({ builderLimit: { credits: 200, used: 120, mode: 'block' } })} locale="en-US" theme="light"></credit-balance>`,
    );
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="trigger"]')!.click();
    await el.updateComplete;
    expect(text(el.shadowRoot!.querySelector('[part="builder-limit"]'))).to.equal('your limit: 120 of 200 used');
    await expect(el).to.be.accessible();
  });

  it('<credit-chat> shows a banner from the real GET /balance after a hold crosses 75 %', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 10 });
    const hold = await fetch('/api/v1/holds', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: JSON.stringify({ operation: 'custom_code', credits: 8, idempotencyKey: crypto.randomUUID() }),
    });
    expect(hold.status).to.equal(201);
    let el!: CreditChat;
    const events = await heard(async () => {
      el = await fixture<CreditChat>(
        html`<credit-chat api-base="/api/v1" token=${ws.token} locale="en-US" theme="light" .queryClient=${new QueryClient()}></credit-chat>`,
      );
      await waitUntil(() => el.shadowRoot!.querySelector('credit-threshold-banner')?.shadowRoot?.querySelector('[part="banner"]'), 'no banner', {
        timeout: 5000,
      });
    });
    const banner = el.shadowRoot!.querySelector('credit-threshold-banner')!;
    expect(text(banner.shadowRoot!.querySelector('[part="banner"]'))).to.equal("75 % of this month's AI credits are used.");
    expect(banner.shadowRoot!.querySelector('[part="banner"]')!.closest('[aria-live="polite"]')).to.not.equal(null);
    // one event for the crossing, though the banner and the header's balance both saw it
    expect(events.map((e) => [e.detail.kind, e.detail.threshold])).to.deep.equal([['monthly_percent', 75]]);
    const balance = el.shadowRoot!.querySelector('credit-balance')!;
    await waitUntil(() => balance.getAttribute('state') === 'warning', 'the balance shows no state');
    await expect(el).to.be.accessible();
  });

  it('<credit-chat> says clearly that a message was refused by the builder limit (402 builder_limit_reached)', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 100 });
    await setBuilderLimits(ws.workspaceId, { credits: 0.001, mode: 'block' });
    const el = await fixture<CreditChat>(
      html`<credit-chat api-base="/api/v1" token=${ws.token} locale="en-US" theme="light" operation="sql_generation" .queryClient=${new QueryClient()}></credit-chat>`,
    );
    const $ = <T extends Element = HTMLElement>(selector: string) => el.shadowRoot!.querySelector<T>(selector);
    await waitUntil(() => $('textarea'), 'no composer', { timeout: 5000 });
    const textarea = $<HTMLTextAreaElement>('textarea')!;
    textarea.focus();
    textarea.value = 'Orders per day';
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    const failed = oneEvent(el, 'credit-error');
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    expect((await failed).detail).to.include({ code: 'builder_limit_reached', status: 402 });
    await waitUntil(() => $('.failure'), 'no failure shown');
    expect(text($('.failure p'))).to.equal('You have reached your AI credit limit for this month; your workspace admin can raise it.');
    await expect(el).to.be.accessible();
  });
});
