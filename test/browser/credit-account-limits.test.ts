import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/credit-account.js';
import type { CreditAccount } from '../../src/components/credit-account/credit-account.js';
import { createWorkspace, mintToken, setBuilderLimits } from './support/backend.js';

const text = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();

async function hold(token: string, credits: number) {
  const response = await fetch('/api/v1/holds', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ operation: 'custom_code', credits, idempotencyKey: crypto.randomUUID() }),
  });
  expect(response.status).to.equal(201);
}

async function limitRows(token: string): Promise<string[][]> {
  const el = await fixture<CreditAccount>(html`<credit-account token=${token} locale="en-US"></credit-account>`);
  await waitUntil(() => el.shadowRoot!.querySelector('[part="builder-limits"]'), 'no builder limits table', { timeout: 5000 });
  await expect(el).to.be.accessible();
  return [...el.shadowRoot!.querySelectorAll('[part="builder-limits"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map(text));
}

describe('<credit-account>: builder limits', () => {
  it('shows a billing token every builder (used, limit, %), and a builder its own row', async () => {
    const ws = await createWorkspace({ builders: 2, creditsPerBuilder: 100 });
    await setBuilderLimits(ws.workspaceId, { credits: 50, mode: 'block' });
    await hold(ws.tokens[0]!, 30);
    await hold(ws.tokens[1]!, 10);
    const billing = await mintToken(ws.workspaceId, 'billing-admin', undefined, ['billing']);
    const all = await limitRows(billing.token);
    expect(all.filter((r) => r[0]!.startsWith('builder-'))).to.deep.equal([
      ['builder-1', '30', '50', '60 %', 'blocked'],
      ['builder-2', '10', '50', '20 %', 'blocked'],
    ]);
    expect(await limitRows(ws.tokens[0]!)).to.deep.equal([['builder-1', '30', '50', '60 %', 'blocked']]);
  });
});
