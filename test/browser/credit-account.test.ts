import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/credit-account.js';
import type { CreditAccount } from '../../src/components/credit-account/credit-account.js';
import { createWorkspace } from './support/backend.js';

const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();

async function api(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.json();
}

describe('<credit-account>', () => {
  it('shows the pools with their dates, purchases, the license, this cycle’s usage chart and breakdowns', async () => {
    const ws = await createWorkspace({ builders: 2, creditsPerBuilder: 100 });
    // usage by two builders, then a paid purchase through the demo gateway
    await api(ws.tokens[0]!, 'POST', '/debits', { operation: 'sql_generation', credits: 5.5, idempotencyKey: `k-${crypto.randomUUID()}` });
    await api(ws.tokens[1]!, 'POST', '/debits', { operation: 'app_generation', credits: 100, idempotencyKey: `k-${crypto.randomUUID()}` });
    const purchase = await api(ws.token, 'POST', '/purchases', { credits: 300 });
    await fetch(purchase.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });

    const el = await fixture<CreditAccount>(html`<credit-account token=${ws.token} locale="en-US"></credit-account>`);
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('#purchases-title') && root.querySelector('.total'), 'loaded');
    expect(text(root.querySelector('.total')!)).to.equal('394.5');
    const pools = [...root.querySelectorAll('.pool')].map(text);
    expect(pools[0]).to.match(/^Monthly 94\.5 available of 200 105\.5 used this cycle .* Renews on /);
    expect(pools[1]).to.match(/^Add-on 300 available Valid until /);
    const rows = [...root.querySelectorAll('#purchases-title ~ table tbody tr')].map(text);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.match(/300 \$30\.00 paid/);
    // the chart: one bar per day with usage, and its table for screen readers
    expect(root.querySelector('svg[part="chart"]')!.getAttribute('aria-hidden')).to.equal('true');
    expect(root.querySelectorAll('svg[part="chart"] rect').length).to.equal(1);
    const dayTable = root.querySelector('table.sr-only')!;
    expect(text(dayTable.querySelector('caption')!)).to.equal('Credits used per day this cycle');
    const cells = [...dayTable.querySelectorAll('tbody td')].map(text);
    expect(cells[0]).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(cells.slice(1)).to.deep.equal(['105.5', '2']);
    const breakdownRows = [...root.querySelectorAll('.breakdowns tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map(text));
    expect(breakdownRows).to.deep.equal([
      ['app_generation', '100', '1'],
      ['sql_generation', '5.5', '1'],
      ['builder-1', '5.5', '1'],
      ['builder-2', '100', '1'],
    ]);
    await expect(el).to.be.accessible();
  });

  it('shows a license raised mid-cycle with the credits it added at once', async () => {
    const ws = await createWorkspace({ builders: 2, creditsPerBuilder: 100 });
    await api(ws.token, 'GET', '/balance'); // the cycle's monthly grant opens
    const changed = await (
      await fetch('/__test__/license', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceId: ws.workspaceId, builders: 3, creditsPerBuilder: 100, cycleAnchorDay: 1 }),
      })
    ).json();
    expect(changed.change.effective).to.equal('now');
    const el = await fixture<CreditAccount>(html`<credit-account token=${ws.token} locale="en-US"></credit-account>`);
    await waitUntil(() => el.shadowRoot!.querySelector('#license-title'), 'license shown');
    const license = text(el.shadowRoot!.querySelector('#license-title')!.parentElement!);
    expect(license).to.contain('2 builders × 100 → 3 builders × 100 credits a month.');
    expect(license).to.contain(`${new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(changed.change.prorated)} credits were added at once for the rest of this cycle.`);
    await expect(el).to.be.accessible();
  });

  it('downloads this cycle’s receipts as CSV', async () => {
    const ws = await createWorkspace({ builders: 1 });
    await api(ws.token, 'POST', '/debits', { operation: 'custom_code', credits: 2.125, idempotencyKey: `k-${crypto.randomUUID()}` });
    const el = await fixture<CreditAccount>(html`<credit-account token=${ws.token}></credit-account>`);
    const button = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="csv-button"]')!;
    await waitUntil(() => !button().disabled, 'ready');
    const original = HTMLAnchorElement.prototype.click;
    let clicked: HTMLAnchorElement | undefined;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked = this;
    };
    try {
      button().click();
      await waitUntil(() => clicked, 'download started');
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    expect(clicked!.download).to.match(/^credit-usage-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await (await fetch(clicked!.href)).text();
    const lines = csv.split('\r\n');
    expect(lines[0]).to.equal('receipt_id,time,operation,builder,credits,from_monthly,from_addon,input_tokens,output_tokens,model,byok');
    expect(lines[1]).to.match(/,custom_code,builder-1,2\.125,2\.125,0,/);
  });

  it('opens <credit-purchase> from Get AI credits', async () => {
    const ws = await createWorkspace({ builders: 1 });
    const el = await fixture<CreditAccount>(html`<credit-account token=${ws.token}></credit-account>`);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="buy-button"]')!.click();
    await waitUntil(() => document.querySelector('credit-purchase')?.open, 'purchase dialog open');
    document.querySelector('credit-purchase')!.remove();
  });
});
