import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { QueryClient } from '@tanstack/query-core';
import '../../src/define.js';
import { typeAndSend } from './support/compose.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import type { ConversationsResponse } from '../../src/contract/index.js';
import { createWorkspace } from './support/backend.js';
import { conversationFixture } from './support/fixtures.js';

// The actions of <credit-chat> on the real server (demo provider): Copy, Regenerate, versions,
// feedback, Edit and resend, the conversation list and jump to latest, each also by keyboard.

const $ = <T extends Element = HTMLElement>(el: CreditChat, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const $$ = (el: CreditChat, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
const text = (element: Element | null | undefined) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** A chat for this token, each element with its own QueryClient (as after a reload). */
async function chatFor(token: string): Promise<CreditChat> {
  const el = await fixture<CreditChat>(
    html`<credit-chat token=${token} locale="en-US" theme="light" operation="sql_generation" .queryClient=${new QueryClient()}></credit-chat>`,
  );
  await waitUntil(() => $(el, '[part="composer"]'), 'the composer did not render', { timeout: 5000 });
  return el;
}

async function freshChat(): Promise<{ el: CreditChat; token: string }> {
  const { token } = await createWorkspace({ builders: 1, creditsPerBuilder: 500 });
  return { el: await chatFor(token), token };
}

/** Sends a prompt and waits for its receipt and for the server's ids (the prompt's Edit button). */
async function send(el: CreditChat, prompt: string) {
  const debited = oneEvent(el, 'credit-debited');
  await typeAndSend(el, prompt);
  const event = await debited;
  await waitUntil(() => lastOf(el, 'user')?.querySelector('[part="edit-button"]'), 'the prompt did not get its server id');
  return event.detail;
}

const lastOf = (el: CreditChat, role: 'user' | 'assistant') => $$(el, `[part~="${role}-message"]`).at(-1);
const partOf = (message: HTMLElement | undefined, part: string) => message!.querySelector<HTMLButtonElement>(`[part~="${part}"]`)!;

async function conversationsOf(token: string): Promise<ConversationsResponse['conversations']> {
  const response = await fetch('/api/v1/conversations', { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as ConversationsResponse).conversations;
}

describe('<credit-chat> message actions', () => {
  it('messages carry data-message-id; credit-debited names the answer and its conversation', async () => {
    const { el } = await freshChat();
    const detail = await send(el, 'Orders per day');
    expect(detail.messageId).to.be.a('string');
    expect(detail.conversationId).to.equal(el.conversationId);
    expect(lastOf(el, 'assistant')!.dataset.messageId).to.equal(detail.messageId);
    expect(lastOf(el, 'user')!.dataset.messageId).to.match(/^(?!local-)/);
  });

  it('Copy puts the answer’s markdown on the clipboard, or says it could not', async () => {
    const { el } = await freshChat();
    await send(el, 'Orders per day');
    const copy = partOf(lastOf(el, 'assistant'), 'copy-button');
    copy.click();
    await waitUntil(() => /Copied|Copy failed/.test(text(copy)), 'Copy did not answer');
  });

  it('Regenerate shows its estimate, then sends by keyboard: a second receipt and a 1/2 switcher that survives a reload', async () => {
    const { el, token } = await freshChat();
    const first = await send(el, 'Top 10 customers by revenue');
    const firstAnswer = lastOf(el, 'assistant')!;
    const firstContent = text(firstAnswer.querySelector('.answer'));
    partOf(firstAnswer, 'regenerate-button').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => /≈ [\d.,]+ credits, up to/.test(text($(el, '.regenerate-estimate'))), 'no estimate before regenerating');
    expect(el.shadowRoot!.activeElement).to.equal($(el, '.confirm-regenerate'));
    const second = oneEvent(el, 'credit-debited');
    await sendKeys({ press: 'Enter' });
    const { detail } = await second;
    expect(detail.receipt.id).not.to.equal(first.receipt.id);
    expect(detail.messageId).not.to.equal(first.messageId);
    await waitUntil(() => text(lastOf(el, 'assistant')?.querySelector('.versions')) === '‹ 2/2 ›', 'no version switcher');
    expect($$(el, '[part~="assistant-message"]')).to.have.length(1);
    expect(text(lastOf(el, 'assistant')!.querySelector('[part="receipt"]'))).to.contain('Charged');

    // back to the first version, by keyboard; the server keeps which one is shown
    lastOf(el, 'assistant')!.querySelector<HTMLButtonElement>('.previous-version')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => lastOf(el, 'assistant')?.dataset.messageId === first.messageId, 'the first version is not shown');
    expect(text(lastOf(el, 'assistant')!.querySelector('.versions'))).to.equal('‹ 1/2 ›');
    expect(text(lastOf(el, 'assistant')!.querySelector('.answer'))).to.equal(firstContent);

    const reloaded = await chatFor(token);
    await waitUntil(() => lastOf(reloaded, 'assistant')?.dataset.messageId === first.messageId, 'the conversation was not restored');
    expect(text(lastOf(reloaded, 'assistant')!.querySelector('.versions'))).to.equal('‹ 1/2 ›');
    await expect(reloaded).to.be.accessible();
  });

  it('Feedback 👍 with a comment fires credit-feedback, is kept on the server and shows again after a reload', async () => {
    const { el, token } = await freshChat();
    const { messageId, conversationId } = await send(el, 'Orders per day');
    const rated = oneEvent(el, 'credit-feedback');
    partOf(lastOf(el, 'assistant'), 'feedback-up').focus();
    await sendKeys({ press: 'Enter' });
    expect((await rated).detail).to.deep.equal({ conversationId, messageId, rating: 'up' });
    expect(partOf(lastOf(el, 'assistant'), 'feedback-up').getAttribute('aria-pressed')).to.equal('true');

    await waitUntil(() => $(el, '.feedback-form textarea'), 'no comment form');
    await expect(el).to.be.accessible();
    $<HTMLTextAreaElement>(el, '.feedback-form textarea')!.focus();
    await sendKeys({ type: 'Exactly the query I needed' });
    const commented = oneEvent(el, 'credit-feedback');
    $<HTMLButtonElement>(el, '.feedback-form [type="submit"]')!.click();
    expect((await commented).detail).to.deep.equal({ conversationId, messageId, rating: 'up', comment: 'Exactly the query I needed' });
    expect($(el, '.feedback-form')).to.equal(null);

    const reloaded = await chatFor(token);
    await waitUntil(() => lastOf(reloaded, 'assistant')?.dataset.messageId === messageId, 'the conversation was not restored');
    expect(partOf(lastOf(reloaded, 'assistant'), 'feedback-up').getAttribute('aria-pressed')).to.equal('true');
    expect(partOf(lastOf(reloaded, 'assistant'), 'feedback-down').getAttribute('aria-pressed')).to.equal('false');
    // 👎 replaces it
    const changed = oneEvent(reloaded, 'credit-feedback');
    partOf(lastOf(reloaded, 'assistant'), 'feedback-down').click();
    expect((await changed).detail.rating).to.equal('down');
  });

  it('Edit and resend: an inline editor with its cost, Escape cancels, Enter sends a new branch (2/2 on the prompt)', async () => {
    const { el } = await freshChat();
    await send(el, 'Orders per day');
    const original = lastOf(el, 'user')!.dataset.messageId;
    partOf(lastOf(el, 'user'), 'edit-button').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $(el, '.edit-editor textarea') === el.shadowRoot!.activeElement, 'the editor did not take the focus');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !$(el, '.edit-editor') && el.shadowRoot!.activeElement === partOf(lastOf(el, 'user'), 'edit-button'), 'Escape did not cancel');

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $(el, '.edit-editor textarea') === el.shadowRoot!.activeElement, 'the editor did not open again');
    expect($<HTMLTextAreaElement>(el, '.edit-editor textarea')!.value).to.equal('Orders per day');
    await waitUntil(() => /≈ [\d.,]+ credits, up to/.test(text($(el, '.edit-estimate'))), 'no cost preview');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'End' });
    await sendKeys({ type: ' of the last week' });
    const sent = oneEvent(el, 'credit-before-send');
    const debited = oneEvent(el, 'credit-debited');
    await sendKeys({ press: 'Enter' });
    expect((await sent).detail).to.include({ prompt: 'Orders per day of the last week', editOf: original });
    await debited;
    await waitUntil(() => text(lastOf(el, 'user')?.querySelector('.versions')) === '‹ 2/2 ›', 'no new branch');
    expect(text(lastOf(el, 'user')!.querySelector('.prompt'))).to.equal('Orders per day of the last week');
    expect($$(el, '[part~="user-message"]')).to.have.length(1);
    lastOf(el, 'user')!.querySelector<HTMLButtonElement>('.previous-version')!.click();
    await waitUntil(() => lastOf(el, 'user')?.dataset.messageId === original, 'the first branch is not shown');
    expect(text(lastOf(el, 'user')!.querySelector('.prompt'))).to.equal('Orders per day');
  });
});

describe('<credit-chat> conversation list', () => {
  it('opens, starts, renames and deletes conversations; the open one is restored after a reload', async () => {
    const { el, token } = await freshChat();
    await send(el, 'Orders per day');
    const first = el.conversationId!;

    // open the list by keyboard
    $<HTMLButtonElement>(el, '[part="conversation-list-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $$(el, '[part="conversation-list"] li').length === 1, 'the list did not show the conversation');
    await expect(el).to.be.accessible();
    expect(el.shadowRoot!.activeElement).to.equal($(el, '.new-conversation'));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !$(el, '[part="conversation-list"]') && $$(el, '[part~="message"]').length === 0, 'no new conversation');
    expect(el.conversationId).to.equal(undefined);

    await send(el, 'Top customers');
    const second = el.conversationId!;
    expect(second).not.to.equal(first);

    $<HTMLButtonElement>(el, '[part="conversation-list-button"]')!.click();
    await waitUntil(() => $$(el, '[part="conversation-list"] li').length === 2, 'the list did not show both');
    const item = (id: string) => $(el, `[part="conversation-list"] li[data-conversation-id="${id}"]`)!;
    item(first).querySelector<HTMLButtonElement>('.rename')!.click();
    await waitUntil(() => $(el, '.rename-form input') === el.shadowRoot!.activeElement, 'no rename field');
    const input = $<HTMLInputElement>(el, '.rename-form input')!;
    input.select();
    await sendKeys({ type: 'Daily orders' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(item(first)?.querySelector('.conversation-title')) === 'Daily orders', 'not renamed');
    expect((await conversationsOf(token)).find((c) => c.id === first)?.title).to.equal('Daily orders');

    item(second).querySelector<HTMLButtonElement>('.delete')!.click();
    await waitUntil(() => $$(el, '[part="conversation-list"] li').length === 1, 'not deleted');
    expect((await conversationsOf(token)).map((c) => c.id)).to.deep.equal([first]);
    expect(el.conversationId, 'deleting the open conversation starts a new one').to.equal(undefined);

    item(first).querySelector<HTMLButtonElement>('.open-conversation')!.click();
    await waitUntil(() => el.conversationId === first && text(lastOf(el, 'user')?.querySelector('.prompt')) === 'Orders per day', 'not opened');
    expect($(el, '[part="conversation-list"]')).to.equal(null);

    const reloaded = await chatFor(token);
    await waitUntil(() => reloaded.conversationId === first, 'the open conversation was not restored');
    expect(text(lastOf(reloaded, 'user')?.querySelector('.prompt'))).to.equal('Orders per day');
  });

  it('Escape closes the list and gives the focus back to its button', async () => {
    const { el } = await freshChat();
    $<HTMLButtonElement>(el, '[part="conversation-list-button"]')!.click();
    await waitUntil(() => $(el, '[part="conversation-list"]') && el.shadowRoot!.activeElement === $(el, '.new-conversation'), 'the list did not open');
    await waitUntil(() => text($(el, '[part="conversation-list"]')).includes('No conversations yet'), 'the list did not load');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !$(el, '[part="conversation-list"]'), 'Escape did not close the list');
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part="conversation-list-button"]'));
  });
});

describe('<credit-chat> jump to latest', () => {
  it('appears when the reader scrolled up, counts the new messages, and brings them into view', async () => {
    const { el } = await freshChat();
    el.messages = conversationFixture(30);
    await el.updateComplete;
    const log = $(el, '.messages')!;
    await waitUntil(() => log.scrollHeight > log.clientHeight && log.scrollHeight - log.scrollTop - log.clientHeight < 48, 'not at the end');
    expect($(el, '[part="jump-to-latest"]')).to.equal(null);
    const scrolled = oneEvent(log, 'scroll');
    log.scrollTop = 0;
    await scrolled;
    await el.updateComplete;
    expect(text($(el, '[part="jump-to-latest"]'))).to.equal('Jump to latest');

    el.messages = conversationFixture(32);
    await el.updateComplete;
    expect(log.scrollTop, 'the reader stays where they are').to.equal(0);
    const jump = $<HTMLButtonElement>(el, '[part="jump-to-latest"]')!;
    expect(text(jump)).to.equal('Jump to latest (2 new)');
    await expect(el).to.be.accessible();

    jump.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => log.scrollHeight - log.scrollTop - log.clientHeight < 48, 'the newest message is not in view');
    await el.updateComplete;
    expect($(el, '[part="jump-to-latest"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(log);
  });

  it('keeps the end in view while a message above the last one changes size', async () => {
    const { el } = await freshChat();
    el.messages = conversationFixture(30);
    await el.updateComplete;
    const log = $(el, '.messages')!;
    const atEnd = () => log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    await waitUntil(() => log.scrollHeight > log.clientHeight && atEnd(), 'not at the end');
    // the message before the last, in view: as when a placeholder of content-visibility takes its real size
    const [before, last] = $$(el, '.message').slice(-2);
    expect(before.getBoundingClientRect().bottom).to.be.greaterThan(log.getBoundingClientRect().top);
    const adjusted = oneEvent(log, 'scroll');
    before.style.minHeight = `${before.offsetHeight + 400}px`;
    await waitUntil(atEnd, 'the end went out of view');
    await adjusted;
    expect(last.getBoundingClientRect().bottom).to.be.at.most(log.getBoundingClientRect().bottom + 1);
    await el.updateComplete;
    expect($(el, '[part="jump-to-latest"]')).to.equal(null);
  });
});
