import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import '../../src/credit-purchase.js';
import type { CreditBalance } from '../../src/components/credit-balance/credit-balance.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import type { CreditPurchase } from '../../src/components/credit-purchase/credit-purchase.js';
import { createWorkspace } from './support/backend.js';

/** What the demo gateway's Pay or Cancel button posts. */
async function payAt(checkoutUrl: string, action: 'pay' | 'cancel' = 'pay') {
  const response = await fetch(checkoutUrl, { method: 'POST', body: new URLSearchParams({ action }), redirect: 'manual' });
  expect(response.type === 'opaqueredirect' || response.status === 303).to.equal(true);
}

const root = (el: CreditPurchase) => el.shadowRoot!;
const text = (el: Element | ShadowRoot) => el.textContent!.replace(/\s+/g, ' ').trim();

afterEach(() => {
  document.querySelectorAll('credit-purchase').forEach((el) => el.remove());
});

describe('<credit-purchase>', () => {
  it('opens from the Get AI credits button of <credit-balance>, prices presets and checks promo codes with the server', async () => {
    const ws = await createWorkspace({ builders: 1 });
    const balance = await fixture<CreditBalance>(html`<credit-balance token=${ws.token} locale="en-US"></credit-balance>`);
    balance.shadowRoot!.querySelector<HTMLButtonElement>('[part="buy-button"]')!.click();
    await waitUntil(() => document.querySelector('credit-purchase')?.shadowRoot?.querySelector('dialog')?.open, 'the dialog opens');
    const el = document.querySelector('credit-purchase')!;
    expect(el.token).to.equal(ws.token);
    await waitUntil(() => root(el).querySelector('.total'), 'priced');
    expect(text(root(el).querySelector('.price')!)).to.contain('500 credits $50.00 Total $50.00');
    const presets = [...root(el).querySelectorAll<HTMLButtonElement>('.presets button')];
    expect(presets.map(text)).to.deep.equal(['100', '500', '1,000']);
    expect(presets[1]!.getAttribute('aria-pressed')).to.equal('true');
    await expect(el).to.be.accessible();

    presets[2]!.click();
    await waitUntil(() => text(root(el).querySelector('.price')!).includes('$100.00'), '1,000 priced');
    const promo = root(el).querySelector<HTMLInputElement>('#promo')!;
    promo.value = 'NOPE';
    promo.dispatchEvent(new Event('input'));
    root(el).querySelector<HTMLButtonElement>('.row button')!.click();
    await waitUntil(() => text(root(el).querySelector('#promo-status')!).startsWith('Promo code refused'), 'refused');
    promo.value = 'HALFOFF';
    promo.dispatchEvent(new Event('input'));
    root(el).querySelector<HTMLButtonElement>('.row button')!.click();
    await waitUntil(() => text(root(el).querySelector('.price')!).endsWith('−$50.00 Total $50.00'), 'discounted');
    expect(text(root(el).querySelector('#promo-status')!)).to.equal('HALFOFF: 50% off');
    await expect(el).to.be.accessible();
  });

  it('opens from the Get AI credits button of <credit-chat> when credits run out', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 1 });
    const chat = await fixture<CreditChat>(html`<credit-chat token=${ws.token} operation="app_generation" locale="en-US"></credit-chat>`);
    await waitUntil(() => chat.shadowRoot!.querySelector('textarea'), 'composer');
    const textarea = chat.shadowRoot!.querySelector('textarea')!;
    textarea.value = 'An app to track customer orders with a dashboard';
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await chat.updateComplete;
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    await waitUntil(() => chat.shadowRoot!.querySelector('.notice.insufficient'), 'insufficient credits');
    const buy = [...chat.shadowRoot!.querySelectorAll<HTMLButtonElement>('.notice.insufficient button')].find((b) => text(b) === 'Get AI credits')!;
    buy.click();
    await waitUntil(() => document.querySelector('credit-purchase')?.open, 'the dialog opens');
    expect(document.querySelector('credit-purchase')!.token).to.equal(ws.token);
  });

  it('does not open when the host cancels credit-buy', async () => {
    const ws = await createWorkspace({ builders: 1 });
    const balance = await fixture<CreditBalance>(html`<credit-balance token=${ws.token}></credit-balance>`);
    let fired = 0;
    balance.addEventListener('credit-buy', (e) => {
      fired++;
      e.preventDefault();
    });
    balance.shadowRoot!.querySelector<HTMLButtonElement>('[part="buy-button"]')!.click();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await import('../../src/credit-purchase.js'); // had it been asked for, it would have loaded by now
    expect(fired).to.equal(1);
    expect(document.querySelector('credit-purchase')).to.equal(null);
  });

  it('is complete by keyboard: choose, continue to payment, and back on the page shows the new balance everywhere', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 50 });
    const balance = await fixture<CreditBalance>(html`<credit-balance token=${ws.token} locale="en-US"></credit-balance>`);
    await waitUntil(() => balance.shadowRoot!.querySelector('[part="total"]')!.textContent === '50', 'balance shown');
    let checkoutUrl = '';
    const el = await fixture<CreditPurchase>(html`<credit-purchase token=${ws.token} locale="en-US" .navigate=${(url: string) => (checkoutUrl = url)}></credit-purchase>`);
    el.show();
    await waitUntil(() => root(el).querySelector('.total'), 'priced');
    // focus starts in the dialog; Tab to the 100 preset and press it, then on to Continue
    root(el).querySelector<HTMLButtonElement>('.presets button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(root(el).querySelector('.price')!).includes('100 credits $10.00'), '100 chosen');
    root(el).querySelector<HTMLButtonElement>('[part="continue-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => checkoutUrl, 'handed over to the gateway');
    expect(new URL(checkoutUrl).pathname).to.match(/^\/api\/v1\/demo-checkout\/cs_demo_/);
    await payAt(checkoutUrl);

    // back on the host page: the gateway's return URL names the purchase
    const purchases = await (await fetch('/api/v1/purchases', { headers: { authorization: `Bearer ${ws.token}` } })).json();
    const back = new URL(window.location.href);
    back.searchParams.set('credit_purchase', purchases.purchases[0].id);
    history.replaceState(null, '', back);
    el.remove();
    const returned = await fixture<CreditPurchase>(html`<credit-purchase token=${ws.token} locale="en-US"></credit-purchase>`);
    expect(new URL(window.location.href).searchParams.has('credit_purchase')).to.equal(false);
    await waitUntil(() => text(root(returned)).includes('New balance: 150 AI credits'), 'outcome shown', { timeout: 8000 });
    expect(text(root(returned).querySelector('h2')!)).to.equal('Credits added');
    await waitUntil(() => balance.shadowRoot!.querySelector('[part="total"]')!.textContent === '150', 'the balance element follows');
    await expect(returned).to.be.accessible();
    // Escape closes it
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !returned.open, 'closed by Escape');
  });

  it('is accessible while it waits for the payment, then shows the outcome when the payment lands', async () => {
    const ws = await createWorkspace({ builders: 1, creditsPerBuilder: 50 });
    const created = await (
      await fetch('/api/v1/purchases', { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ credits: 100 }) })
    ).json();
    const el = await fixture<CreditPurchase>(html`<credit-purchase token=${ws.token} locale="en-US" purchase-id=${created.id}></credit-purchase>`);
    el.show();
    await waitUntil(() => text(root(el)).includes('Waiting for the payment to be confirmed.'), 'pending state shown');
    await expect(el).to.be.accessible();
    await payAt(created.checkoutUrl);
    await waitUntil(() => text(root(el)).includes('New balance: 150 AI credits'), 'outcome shown after the payment', { timeout: 8000 });
    await expect(el).to.be.accessible();
  });

  it('says nothing was charged when the builder cancels at the gateway', async () => {
    const ws = await createWorkspace({ builders: 1 });
    const created = await (
      await fetch('/api/v1/purchases', { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ credits: 100 }) })
    ).json();
    await payAt(created.checkoutUrl, 'cancel');
    const el = await fixture<CreditPurchase>(html`<credit-purchase token=${ws.token} purchase-id=${created.id}></credit-purchase>`);
    el.show();
    await waitUntil(() => text(root(el)).includes('Nothing was charged'), 'cancelled outcome');
    await expect(el).to.be.accessible();
  });
});
