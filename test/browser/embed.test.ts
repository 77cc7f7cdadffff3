import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import { QueryClient } from '@tanstack/query-core';
import { CreditBalance } from '../../src/components/credit-balance/credit-balance.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import { createWorkspace } from './support/backend.js';
import { conversationFixture } from './support/fixtures.js';
import { answerMarkdown } from './support/answer.js';

/** The elements as a plain host page writes them: markup with attributes, listeners on window. */
describe('embedded in a plain page', () => {
  let container: HTMLElement;

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => container.remove());

  async function mount(markup: string): Promise<void> {
    const template = document.createElement('template');
    template.innerHTML = markup;
    container.append(template.content);
  }

  it('registers both tags and upgrades markup written before or after the script', () => {
    expect(customElements.get('credit-chat')).to.exist;
    expect(customElements.get('credit-balance')).to.exist;
    expect(document.createElement('credit-balance').constructor.name).to.equal('CreditBalance');
  });

  it('shows the balance in a toolbar <credit-balance> and in the chat header from attributes alone', async () => {
    const { token } = await createWorkspace({ builders: 3, creditsPerBuilder: 100, addon: 200 });
    await mount(`<credit-balance api-base="/api/v1" token="${token}" locale="en-US"></credit-balance>
      <credit-chat api-base="/api/v1" token="${token}" locale="en-US" operation="custom_code"></credit-chat>`);
    const toolbar = container.querySelector('credit-balance')!;
    const chat = container.querySelector('credit-chat')!;
    const totalOf = (el: Element) => el.shadowRoot?.querySelector('[part="total"]')?.textContent;
    await waitUntil(() => totalOf(toolbar) === '500', 'toolbar balance not shown');
    await waitUntil(() => {
      const header = chat.shadowRoot?.querySelector('credit-balance');
      return header && totalOf(header) === '500';
    }, 'header balance not shown');
  });

  it('takes properties the page set before the tag was defined: the first request already carries the token', async () => {
    const { token } = await createWorkspace({ builders: 1, creditsPerBuilder: 70 });
    const early = document.createElement('credit-balance-defined-late') as CreditBalance;
    early.token = token;
    early.queryClient = new QueryClient();
    early.locale = 'en-US';
    container.append(early);
    const unauthorized: string[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
        if (entry.name.endsWith('/api/v1/balance') && entry.responseStatus === 401) unauthorized.push(entry.name);
      }
    });
    observer.observe({ type: 'resource', buffered: false });
    customElements.define('credit-balance-defined-late', class extends CreditBalance {});
    await waitUntil(() => early.shadowRoot?.querySelector('[part="total"]')?.textContent === '70', 'balance not shown');
    observer.disconnect();
    expect(unauthorized).to.deep.equal([]);
  });

  it('lets the events out through the shadow roots to window', async () => {
    const { token } = await createWorkspace();
    await mount(`<credit-chat api-base="/api/v1" token="${token}"></credit-chat>`);
    const chat = container.querySelector<CreditChat>('credit-chat')!;
    await waitUntil(() => chat.shadowRoot!.querySelector('[part="composer"]'), 'chat not ready');

    const buy = oneEvent(window, 'credit-buy');
    const header = chat.shadowRoot!.querySelector('credit-balance')!;
    await waitUntil(() => header.shadowRoot!.querySelector('[part="buy-button"]'));
    header.shadowRoot!.querySelector<HTMLButtonElement>('[part="buy-button"]')!.click();
    const buyEvent = await buy;
    expect(buyEvent.target).to.equal(chat);

    chat.messages = conversationFixture(2);
    await chat.updateComplete;
    const insert = oneEvent(window, 'credit-insert');
    // through three shadow roots: the answer's <credit-markdown>, the chat, the page
    answerMarkdown(chat.shadowRoot!.querySelector('[part~="assistant-message"]'))!.querySelector<HTMLButtonElement>('[data-action="insert"]')!.click();
    expect((await insert).detail.language).to.equal('sql');
  });
});
