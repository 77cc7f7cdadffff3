import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { QueryClient, onlineManager } from '@tanstack/query-core';
import '../../src/define.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import { OPERATION_CATALOG } from '../../src/contract/index.js';
import { createWorkspace } from './support/backend.js';
import { conversationFixture, receiptFixture } from './support/fixtures.js';
import { answerMarkdown } from './support/answer.js';

/** Nothing listens on the discard port: fetch fails as with a server that is down. */
const UNREACHABLE = 'http://127.0.0.1:9/api/v1';
const $ = <T extends Element = HTMLElement>(el: CreditChat, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
const $$ = (el: CreditChat, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];

/** A chat on the real server for a fresh workspace, each test with its own QueryClient. */
async function chatElement(options: { token?: string; apiBase?: string; theme?: 'dark' | 'light' } = {}): Promise<CreditChat> {
  const token = options.token ?? (await createWorkspace({ builders: 1, creditsPerBuilder: 500 })).token;
  const el = await fixture<CreditChat>(
    html`<credit-chat
      api-base=${options.apiBase ?? '/api/v1'}
      token=${token}
      operation="sql_generation"
      locale="en-US"
      theme=${options.theme ?? 'light'}
      .queryClient=${new QueryClient()}
    ></credit-chat>`,
  );
  await waitUntil(() => el.shadowRoot!.querySelector('[part="composer"]'), 'the composer did not render');
  return el;
}

function typeInto(el: CreditChat, text: string) {
  const textarea = $<HTMLTextAreaElement>(el, 'textarea');
  textarea.focus();
  textarea.value = text;
  textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  return textarea;
}

function press(target: Element, key: string, init: KeyboardEventInit = {}) {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

describe('<credit-chat>', () => {
  describe('loading the catalog from the real server', () => {
    it('lists the eight operations read from GET /api/v1/operations in the picker, each with credits', async () => {
      const el = await chatElement();
      const options = [...$<HTMLSelectElement>(el, '[part="operation-picker"]').options];
      expect(options.map((o) => o.value)).to.deep.equal(OPERATION_CATALOG.map((op) => op.type));
      expect(options[6]!.textContent!.trim()).to.match(/^SQL query generation · ≈ [\d.,]+$/);
      expect(options[6]!.selected).to.equal(true);
    });

    it('shows a loading state first', async () => {
      const el = await fixture<CreditChat>(html`<credit-chat .queryClient=${new QueryClient()}></credit-chat>`);
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('Loading…');
    });

    it('says so plainly when the server cannot be reached, fires credit-error, and can try again', async () => {
      const errors: Event[] = [];
      document.addEventListener('credit-error', (e) => errors.push(e), { once: true });
      const el = await fixture<CreditChat>(html`<credit-chat api-base=${UNREACHABLE} .queryClient=${new QueryClient()}></credit-chat>`);
      await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]'), 'no error shown', { timeout: 8000 });
      expect($(el, '[role="alert"]').textContent).to.contain('The assistant could not load: The credit service could not be reached.');
      expect($(el, '[role="alert"] button').textContent).to.equal('Try again');
      await waitUntil(() => errors.length === 1);
      expect((errors[0] as CustomEvent).detail).to.include({ code: 'network', status: 0 });
    });
  });

  describe('header', () => {
    it('shows the workspace balance in the header', async () => {
      const el = await chatElement();
      const balance = $(el, 'credit-balance[part="balance"]');
      await waitUntil(() => balance.shadowRoot!.querySelector('[part="total"]')?.textContent === '500', 'balance not shown');
    });
  });

  describe('empty conversation', () => {
    it('suggests prompts for the chosen operation; choosing one fills the composer', async () => {
      const el = await chatElement();
      const suggestions = $$(el, '.suggestion');
      expect(suggestions.length).to.be.greaterThan(0);
      expect(suggestions[0]!.textContent).to.equal('Top 10 customers by revenue this year');
      suggestions[0]!.click();
      await el.updateComplete;
      expect($<HTMLTextAreaElement>(el, 'textarea').value).to.equal('Top 10 customers by revenue this year');
      expect(el.shadowRoot!.activeElement).to.equal($(el, 'textarea'));
    });

    it('changes the suggestions with the operation picked', async () => {
      const el = await chatElement();
      const picker = $<HTMLSelectElement>(el, '[part="operation-picker"]');
      picker.value = 'debug_autofix';
      picker.dispatchEvent(new Event('change', { bubbles: true }));
      await el.updateComplete;
      expect(el.operation).to.equal('debug_autofix');
      expect(el.getAttribute('operation')).to.equal('debug_autofix');
      expect($$(el, '.suggestion')[0]!.textContent).to.equal('The save button does nothing: fix it');
    });
  });

  describe('keyboard', () => {
    it('Enter sends: credit-before-send carries operation and prompt, and cancelling it sends nothing', async () => {
      const el = await chatElement();
      const textarea = typeInto(el, '  Orders per day  ');
      await el.updateComplete;
      const heard = oneEvent(el, 'credit-before-send');
      const listener = (e: Event) => e.preventDefault();
      el.addEventListener('credit-before-send', listener);
      const enter = press(textarea, 'Enter');
      const event = await heard;
      el.removeEventListener('credit-before-send', listener);
      expect(enter.defaultPrevented).to.equal(true);
      expect(event.detail).to.deep.equal({ operation: 'sql_generation', prompt: 'Orders per day', conversationId: undefined });
      expect(event.cancelable && event.composed && event.bubbles).to.equal(true);
      await el.updateComplete;
      expect($$(el, '[part~="message"]')).to.have.length(0);
      expect(textarea.value).to.equal('  Orders per day  ');
    });

    it('Shift+Enter keeps the newline in the prompt and sends nothing', async () => {
      const el = await chatElement();
      const textarea = typeInto(el, 'line one');
      let sent = false;
      el.addEventListener('credit-before-send', () => (sent = true));
      const shiftEnter = press(textarea, 'Enter', { shiftKey: true });
      expect(shiftEnter.defaultPrevented).to.equal(false);
      const composing = press(textarea, 'Enter', { isComposing: true });
      expect(composing.defaultPrevented).to.equal(false);
      await aTimeout(0);
      expect(sent).to.equal(false);
    });

    it('Send is disabled while the prompt is empty', async () => {
      const el = await chatElement();
      expect($<HTMLButtonElement>(el, '[part="send-button"]').disabled).to.equal(true);
      typeInto(el, 'something');
      await el.updateComplete;
      expect($<HTMLButtonElement>(el, '[part="send-button"]').disabled).to.equal(false);
    });
  });

  describe('a conversation given as messages', () => {
    it('renders answers as markdown with a receipt: charged, estimate, monthly/add-on split and tokens', async () => {
      const el = await chatElement();
      el.messages = conversationFixture(2);
      await el.updateComplete;
      const answer = answerMarkdown($(el, '[part~="assistant-message"]'))!;
      expect(answer.querySelector('strong')!.textContent).to.equal('1');
      expect(answer.querySelector('.code-block')!.getAttribute('data-language')).to.equal('sql');
      expect($(el, '[part="receipt"]').textContent!.replace(/\s+/g, ' ').trim()).to.equal(
        'Receipt: Charged 4 credits · estimate ≈ 5, up to 8 · 3 monthly + 1 add-on · 1,200 tokens in, 300 out',
      );
    });

    it('says when the workspace key paid', async () => {
      const el = await chatElement();
      const [question, answer] = conversationFixture(2);
      el.messages = [question!, { ...answer!, receipt: receiptFixture({ byok: true, credits: 0, fromMonthly: 0, fromAddon: 0 }) }];
      await el.updateComplete;
      expect($(el, '[part="receipt"]').textContent).to.contain('Paid with your own key: no credits').and.contain('1,200 tokens in');
    });

    it('Insert fires credit-insert with the code, its language and its message, reaching the page', async () => {
      const el = await chatElement();
      el.messages = conversationFixture(2);
      await el.updateComplete;
      const answerId = conversationFixture(2)[1]!.id;
      const heard = oneEvent(document, 'credit-insert');
      answerMarkdown($(el, '[part~="assistant-message"]'))!.querySelector<HTMLElement>('.code-block button[data-action="insert"]')!.click();
      const event = await heard;
      expect(event.detail).to.deep.equal({ text: 'SELECT 1;', language: 'sql', messageId: answerId });
    });

    it('Copy puts the code on the clipboard or says it could not', async () => {
      const el = await chatElement();
      el.messages = conversationFixture(2);
      await el.updateComplete;
      const copy = answerMarkdown($(el, '[part~="assistant-message"]'))!.querySelector<HTMLElement>('.code-block button[data-action="copy"]')!;
      copy.click();
      await waitUntil(() => copy.textContent !== 'Copy', 'no feedback');
      expect(['Copied', 'Copy failed']).to.include(copy.textContent);
    });

    it('keeps a 2,000-message conversation to a window with "show earlier"', async () => {
      const el = await chatElement();
      el.messages = conversationFixture(2000);
      await el.updateComplete;
      expect($$(el, '[part~="message"]')).to.have.length(40);
      const showEarlier = $<HTMLButtonElement>(el, '.show-earlier');
      expect(showEarlier.textContent!.trim()).to.equal('Show earlier messages (1,960 hidden)');
      showEarlier.click();
      await el.updateComplete;
      expect($$(el, '[part~="message"]')).to.have.length(80);
      expect(el.messages).to.have.length(2000);
      expect(el.messages[1999]!.id).to.equal('m1999');
    });

    it('fires no event when code sets its properties', async () => {
      const el = await chatElement();
      const heard: string[] = [];
      for (const type of ['credit-before-send', 'credit-debited', 'credit-insufficient', 'credit-buy', 'credit-insert', 'credit-error']) {
        el.addEventListener(type, () => heard.push(type));
      }
      el.messages = conversationFixture(4);
      el.operation = 'custom_code';
      el.conversationId = 'c1';
      el.theme = 'dark';
      await el.updateComplete;
      await aTimeout(50);
      expect(heard).to.deep.equal([]);
    });
  });

  describe('locale, strings and theme', () => {
    it('formats receipts for its locale and takes translated strings', async () => {
      const el = await chatElement();
      el.locale = 'de-DE';
      el.strings = { send: 'Senden', receiptCharged: (credits) => `${credits} Credits belastet` };
      el.messages = [conversationFixture(2)[0]!, { ...conversationFixture(2)[1]!, receipt: receiptFixture({ credits: 1234.5 }) }];
      await el.updateComplete;
      expect($(el, '[part="receipt"]').textContent).to.contain('1.234,5 Credits belastet').and.contain('1.200 tokens in');
      expect($(el, '[part="send-button"]').textContent!.trim()).to.equal('Senden');
    });

    it('uses the dark palette under theme="dark" and the host\'s custom properties over it', async () => {
      const el = await chatElement({ theme: 'dark' });
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(13, 17, 23)');
      el.style.setProperty('--credit-chat-background', 'rgb(1, 2, 3)');
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(1, 2, 3)');
      el.theme = 'light';
      el.style.removeProperty('--credit-chat-background');
      await el.updateComplete;
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(255, 255, 255)');
    });
  });

  describe('offline', () => {
    afterEach(() => onlineManager.setOnline(true));

    it('says it is offline and does not send', async () => {
      const el = await chatElement();
      typeInto(el, 'hello');
      onlineManager.setOnline(false);
      await el.updateComplete;
      expect($(el, '.notice').textContent).to.contain('You are offline');
      expect($<HTMLButtonElement>(el, '[part="send-button"]').disabled).to.equal(true);
      onlineManager.setOnline(true);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('.notice')).to.equal(null);
    });
  });

  describe('accessibility (axe)', () => {
    it('empty conversation', async () => {
      await expect(await chatElement()).to.be.accessible();
    });
    it('conversation with receipts and code', async () => {
      const el = await chatElement();
      el.messages = conversationFixture(100);
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
    it('dark theme', async () => {
      document.body.style.background = '#0d1117';
      try {
        const el = await chatElement({ theme: 'dark' });
        el.messages = conversationFixture(6);
        await el.updateComplete;
        await expect(el).to.be.accessible();
      } finally {
        document.body.style.background = '';
      }
    });
    it('offline', async () => {
      const el = await chatElement();
      onlineManager.setOnline(false);
      try {
        await el.updateComplete;
        await expect(el).to.be.accessible();
      } finally {
        onlineManager.setOnline(true);
      }
    });
    it('loading and load error', async () => {
      const loading = await fixture<CreditChat>(html`<credit-chat .queryClient=${new QueryClient()}></credit-chat>`);
      await expect(loading).to.be.accessible();
      const failed = await fixture<CreditChat>(html`<credit-chat api-base=${UNREACHABLE} .queryClient=${new QueryClient()}></credit-chat>`);
      await waitUntil(() => failed.shadowRoot!.querySelector('[role="alert"]'), 'no error shown', { timeout: 8000 });
      await expect(failed).to.be.accessible();
    });
  });
});
