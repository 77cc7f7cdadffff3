import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { QueryClient } from '@tanstack/query-core';
import '../../src/define.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import { createWorkspace } from './support/backend.js';
import { answerMarkdown } from './support/answer.js';

// The real server under other prefixes of the test backend (test/browser/backend.ts), on the same ledger:
/** with a per-builder rate limit of 20 requests a minute, burst 8 */
const LIMITED = '/__test__/limited/api/v1';
/** whose AI provider is a fake OpenAI upstream; "[fail after N]" in the prompt fails it after N chunks */
const FAULTY = '/__test__/faulty/api/v1';

const $ = <T extends Element = HTMLElement>(el: CreditChat, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function chatOn(apiBase: string, token: string): Promise<CreditChat> {
  const el = await fixture<CreditChat>(
    html`<credit-chat api-base=${apiBase} token=${token} locale="en-US" theme="light" operation="sql_generation" .queryClient=${new QueryClient()}></credit-chat>`,
  );
  await waitUntil(() => $(el, '[part="composer"]'), 'the composer did not render', { timeout: 5000 });
  return el;
}

async function type(el: CreditChat, prompt: string): Promise<void> {
  const textarea = $<HTMLTextAreaElement>(el, 'textarea')!;
  textarea.focus();
  textarea.value = prompt;
  textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

async function send(el: CreditChat, prompt: string): Promise<void> {
  await type(el, prompt);
  $(el, 'textarea')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
}

describe('<credit-chat> states on the real server', () => {
  it('429: counts down the Retry-After seconds, then Send and Retry come back', async () => {
    const { token } = await createWorkspace({ builders: 1, creditsPerBuilder: 100 });
    const el = await chatOn(LIMITED, token);
    // Use up this builder's burst, as other requests of the builder would.
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${LIMITED}/balance`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status === 429) break;
    }
    const failed = oneEvent(el, 'credit-error');
    await send(el, 'Orders per day');
    const { detail } = await failed;
    expect(detail).to.include({ code: 'rate_limited', status: 429 });
    const seconds = () => Number(/send again in (\d+) s/.exec(text($(el, '.notice')))?.[1] ?? 0);
    await waitUntil(() => seconds() > 0, 'no countdown');
    const first = seconds();
    expect(first).to.be.within(1, 3);
    expect($<HTMLButtonElement>(el, '.failure button')!.disabled, 'Retry waits for the countdown').to.equal(true);
    await type(el, 'Orders per day');
    expect($<HTMLButtonElement>(el, '[part="send-button"]')!.disabled, 'Send waits for the countdown').to.equal(true);
    if (first > 1) await waitUntil(() => seconds() === first - 1, 'the countdown did not tick', { timeout: 2000 });
    await waitUntil(() => !$(el, '.notice'), 'the countdown did not end', { timeout: 4000 });
    await el.updateComplete;
    expect($<HTMLButtonElement>(el, '[part="send-button"]')!.disabled).to.equal(false);
    expect($<HTMLButtonElement>(el, '.failure button')!.disabled).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('a provider failure after part of the answer: the part stays, and it says plainly that nothing was charged', async () => {
    // The server settles a provider failure mid-stream by releasing the hold (src/server/metering/metered-run.ts):
    // its error event says `charged: 0`. (Only a stop charges what was produced, and that ends in `settled`.)
    const { token } = await createWorkspace({ builders: 1, creditsPerBuilder: 100 });
    const el = await chatOn(FAULTY, token);
    const total = () => el.shadowRoot!.querySelector('credit-balance')?.shadowRoot?.querySelector('[part="total"]')?.textContent ?? '';
    await waitUntil(() => total().includes('100'), 'no balance');
    let debited = 0;
    el.addEventListener('credit-debited', () => debited++);
    const failed = oneEvent(el, 'credit-error');
    await send(el, 'Orders per day [fail after 5]');
    const { detail } = await failed;
    expect(detail.code).to.equal('provider_error');
    await el.updateComplete;
    const answer = el.messages[1]!;
    expect(answer.status).to.equal('failed');
    expect(answer.content).to.equal('Here is the query you');
    expect(text(answerMarkdown($(el, '[part~="assistant-message"]')))).to.equal('Here is the query you');
    expect(text($(el, '.failure p'))).to.match(/^The answer failed \(The AI provider failed mid-stream: .+\)\. You were not charged\.$/);
    expect(text($(el, '.failure button'))).to.equal('Retry');
    expect($(el, '[part="receipt"]')).to.equal(null);
    expect(debited).to.equal(0);
    const balance = (await (await fetch(`${FAULTY}/balance`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number; held: number };
    expect(balance).to.include({ total: 100, held: 0 });
    expect(total()).to.include('100');
    await expect(el).to.be.accessible();
  });
});
