import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import type { CreditBalance } from '../../src/components/credit-balance/credit-balance.js';
import { QueryClient } from '@tanstack/query-core';
import { CreditApiClient } from '../../src/client/api-client.js';
import { CreditLedgerClient } from '../../src/client/ledger-client.js';
import { applyBalance } from '../../src/client/query.js';
import { createWorkspace } from './support/backend.js';
import { balanceFixture } from './support/fixtures.js';

/** The query scope of an element on the default API base whose token comes from getToken (no token attribute). */
const identityScope = () => new CreditApiClient({ apiBase: '/api/v1' }).scope;

function parts(el: CreditBalance) {
  const root = el.shadowRoot!;
  return {
    trigger: root.querySelector<HTMLButtonElement>('[part="trigger"]')!,
    breakdown: root.querySelector<HTMLElement>('[part="breakdown"]')!,
    buy: root.querySelector<HTMLButtonElement>('[part="buy-button"]')!,
    status: root.querySelector<HTMLElement>('[role="status"]')!,
  };
}

/** The text a screen reader reads for an element: its text without what is aria-hidden. */
function name(element: Element): string {
  let text = '';
  const walk = (node: Node) => {
    if (node instanceof Element && node.getAttribute('aria-hidden') === 'true') return;
    if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
    node.childNodes.forEach(walk);
  };
  walk(element);
  return text.replace(/\s+/g, ' ').trim();
}

async function balanceElement(balance = balanceFixture(), attrs: { lowThreshold?: number; locale?: string; theme?: 'dark' } = {}) {
  return fixture<CreditBalance>(
    html`<credit-balance .balance=${balance} .lowThreshold=${attrs.lowThreshold} locale=${attrs.locale ?? 'en-US'} theme=${attrs.theme ?? 'light'}></credit-balance>`,
  );
}

describe('<credit-balance>', () => {
  it('shows the icon and the combined total', async () => {
    const el = await balanceElement();
    const { trigger, breakdown } = parts(el);
    expect(el.shadowRoot!.querySelector('[part="total"]')!.textContent).to.equal('1,234.5');
    expect(name(trigger)).to.equal('1,234.5 AI credits');
    expect(trigger.getAttribute('aria-expanded')).to.equal('false');
    expect(breakdown.hidden).to.equal(true);
  });

  it('opens the breakdown on keyboard focus and closes it with Escape', async () => {
    const el = await balanceElement();
    const { trigger, breakdown } = parts(el);
    trigger.focus();
    await el.updateComplete;
    expect(breakdown.hidden).to.equal(false);
    expect(trigger.getAttribute('aria-expanded')).to.equal('true');
    const text = breakdown.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('Monthly 1,034.5 of 2,000 renews Dec 1, 2026');
    expect(text).to.contain('Add-on 200 valid until Jun 15, 2027');
    expect(text).to.contain('Held now 8');
    trigger.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await el.updateComplete;
    expect(breakdown.hidden).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(trigger);
  });

  it('lets Tab reach "Get AI credits" inside the open breakdown and closes when focus leaves', async () => {
    const el = await balanceElement();
    const { trigger, breakdown, buy } = parts(el);
    trigger.focus();
    await el.updateComplete;
    buy.focus();
    await el.updateComplete;
    expect(breakdown.hidden).to.equal(false);
    buy.blur();
    await el.updateComplete;
    expect(breakdown.hidden).to.equal(true);
  });

  it('opens on hover and closes when the pointer leaves', async () => {
    const el = await balanceElement();
    const wrapper = el.shadowRoot!.querySelector('.balance')!;
    wrapper.dispatchEvent(new MouseEvent('mouseenter'));
    await el.updateComplete;
    expect(parts(el).breakdown.hidden).to.equal(false);
    wrapper.dispatchEvent(new MouseEvent('mouseleave'));
    await el.updateComplete;
    expect(parts(el).breakdown.hidden).to.equal(true);
  });

  it('fires credit-buy from "Get AI credits", bubbling and composed to the page', async () => {
    const el = await balanceElement();
    const heard = oneEvent(document, 'credit-buy');
    parts(el).buy.click();
    const event = await heard;
    expect(event.detail).to.deep.equal({ option: 'credits' });
    expect(event.composed).to.equal(true);
  });

  it('fires nothing when code sets its properties', async () => {
    const el = await balanceElement();
    const heard: string[] = [];
    for (const type of ['credit-buy', 'credit-error', 'credit-debited']) el.addEventListener(type, () => heard.push(type));
    el.balance = balanceFixture({ total: 3, asOf: '2026-11-21T11:00:00.000Z' });
    el.lowThreshold = 10;
    await el.updateComplete;
    expect(heard).to.deep.equal([]);
  });

  it('shows the low-balance state at or under low-threshold', async () => {
    const el = await balanceElement(balanceFixture({ total: 10 }), { lowThreshold: 10 });
    expect(el.matches(':state(low)')).to.equal(true);
    expect(name(parts(el).trigger)).to.equal('10 AI credits low');
    el.balance = balanceFixture({ total: 11 });
    await el.updateComplete;
    expect(el.matches(':state(low)')).to.equal(false);
  });

  it('is never low while the workspace pays with its own key', async () => {
    const el = await balanceElement(balanceFixture({ total: 0, byok: true }), { lowThreshold: 10 });
    expect(el.matches(':state(low)')).to.equal(false);
    parts(el).trigger.focus();
    await el.updateComplete;
    expect(parts(el).breakdown.textContent).to.contain('Using your own key');
  });

  it('announces balance changes politely, not the first value', async () => {
    const el = await balanceElement();
    expect(parts(el).status.textContent).to.equal('');
    el.balance = balanceFixture({ total: 1230.5 });
    await el.updateComplete;
    expect(parts(el).status.textContent).to.equal('AI credits balance is now 1,230.5.');
  });

  it('formats numbers and dates for its locale', async () => {
    const el = await balanceElement(balanceFixture(), { locale: 'de-DE' });
    expect(el.shadowRoot!.querySelector('[part="total"]')!.textContent).to.equal('1.234,5');
    parts(el).trigger.focus();
    await el.updateComplete;
    expect(parts(el).breakdown.textContent).to.contain('01.12.2026');
  });

  it('takes translated strings', async () => {
    const el = await balanceElement();
    el.strings = { getCredits: 'KI-Credits kaufen' };
    await el.updateComplete;
    expect(parts(el).buy.textContent).to.equal('KI-Credits kaufen');
  });

  it('fetches its own balance with the token from getToken, and shows the new one a receipt carries', async () => {
    const workspace = await createWorkspace({ builders: 1, creditsPerBuilder: 40, addon: 100 });
    const queryClient = new QueryClient();
    const el = await fixture<CreditBalance>(
      html`<credit-balance locale="en-US" .queryClient=${queryClient} .getToken=${async () => workspace.token}></credit-balance>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[part="total"]')!.textContent === '140', 'balance not fetched');
    const client = new CreditLedgerClient({ apiBase: '/api/v1', getToken: () => workspace.token });
    const receipt = await client.debit({ operation: 'sql_generation', credits: 5, idempotencyKey: `test-${crypto.randomUUID()}` });
    applyBalance(queryClient, identityScope(), receipt.balance);
    await waitUntil(() => el.shadowRoot!.querySelector('[part="total"]')!.textContent === '135', 'receipt balance not shown');
    expect(parts(el).status.textContent).to.equal('AI credits balance is now 135.');
  });

  it('says the balance is unavailable when the server cannot answer it', async () => {
    // (with a token: without one the element sends nothing and waits for it)
    const el = await fixture<CreditBalance>(html`<credit-balance api-base="/api/v1/missing" token="cct_any"></credit-balance>`);
    await waitUntil(() => name(parts(el).trigger) === 'AI credits unavailable', 'no error state', { timeout: 5000 });
  });

  describe('accessibility (axe)', () => {
    it('closed', async () => {
      await expect(await balanceElement()).to.be.accessible();
    });
    it('open', async () => {
      const el = await balanceElement();
      parts(el).trigger.focus();
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
    it('low', async () => {
      const el = await balanceElement(balanceFixture({ total: 5 }), { lowThreshold: 10 });
      parts(el).trigger.focus();
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
    it('dark', async () => {
      const el = await balanceElement(balanceFixture(), { theme: 'dark' });
      document.body.style.background = '#0d1117';
      try {
        parts(el).trigger.focus();
        await el.updateComplete;
        await expect(el).to.be.accessible();
      } finally {
        document.body.style.background = '';
      }
    });
    it('loading', async () => {
      const el = await fixture<CreditBalance>(html`<credit-balance api-base="/api/v1/slow-or-missing"></credit-balance>`);
      await expect(el).to.be.accessible();
      await aTimeout(0);
    });
  });
});
