import { expect, waitUntil } from '@open-wc/testing';
import { createElement, useEffect, useRef, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { QueryClient } from '@tanstack/query-core';
import '../../src/define.js';
import type { CreditBalance } from '../../src/components/credit-balance/credit-balance.js';
import type { CreditChat } from '../../src/components/credit-chat/credit-chat.js';
import type { CreditDebitedEvent, CreditInsertEvent } from '../../src/events/index.js';
import { createWorkspace } from './support/backend.js';
import { answerMarkdown } from './support/answer.js';

/**
 * The elements in a React 19 page (React.createElement, no JSX). React 19 sets a custom element's
 * props as properties when the element has them (`queryClient`, `token`) and listens to its
 * events through `on<event-name>` props; the other way, a ref and addEventListener, works too.
 */
interface Heard {
  via: 'on-prop' | 'ref';
  type: string;
  detail: unknown;
}

function Host(props: { token: string; queryClient: QueryClient; heard: Heard[] }) {
  const chatRef = useRef<CreditChat>(null);
  const [lastInsert, setLastInsert] = useState('');
  useEffect(() => {
    const chat = chatRef.current!;
    const onInsert = (event: CreditInsertEvent) => {
      props.heard.push({ via: 'ref', type: event.type, detail: event.detail });
      setLastInsert(event.detail.text);
    };
    const onDebited = (event: CreditDebitedEvent) => props.heard.push({ via: 'ref', type: event.type, detail: event.detail });
    chat.addEventListener('credit-insert', onInsert);
    chat.addEventListener('credit-debited', onDebited);
    return () => {
      chat.removeEventListener('credit-insert', onInsert);
      chat.removeEventListener('credit-debited', onDebited);
    };
  }, []);
  const onProp = (event: Event) => props.heard.push({ via: 'on-prop', type: event.type, detail: (event as CustomEvent).detail });
  return createElement(
    'div',
    null,
    createElement('credit-balance', { id: 'toolbar', token: props.token, locale: 'en-US', queryClient: props.queryClient, 'oncredit-buy': onProp }),
    createElement('credit-chat', {
      ref: chatRef,
      token: props.token,
      locale: 'en-US',
      operation: 'sql_generation',
      queryClient: props.queryClient,
      'oncredit-debited': onProp,
      'oncredit-insert': onProp,
    }),
    createElement('output', { id: 'inserted' }, lastInsert),
  );
}

describe('embedded in a React 19 page', () => {
  let container: HTMLElement;
  let root: Root;

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
  });
  afterEach(() => {
    root.unmount();
    container.remove();
  });

  it('takes React props as properties, and its events reach React handlers (on-props and refs)', async () => {
    const { token } = await createWorkspace({ builders: 1, creditsPerBuilder: 100 });
    const queryClient = new QueryClient();
    const heard: Heard[] = [];
    root.render(createElement(Host, { token, queryClient, heard }));

    await waitUntil(() => container.querySelector('#toolbar'), 'React did not render');
    const toolbar = container.querySelector<CreditBalance>('#toolbar')!;
    const chat = container.querySelector<CreditChat>('credit-chat')!;
    // a property, not an attribute: React 19 saw the element has it
    expect(chat.queryClient).to.equal(queryClient);
    expect(chat.hasAttribute('queryclient')).to.equal(false);
    await waitUntil(() => toolbar.shadowRoot?.querySelector('[part="total"]')?.textContent === '100', 'no balance', { timeout: 5000 });

    // credit-buy from the toolbar's "Get AI credits", heard through React 19's on-prop
    toolbar.shadowRoot!.querySelector<HTMLButtonElement>('[part="buy-button"]')!.click();
    expect(heard.filter((h) => h.type === 'credit-buy')).to.deep.equal([{ via: 'on-prop', type: 'credit-buy', detail: { option: 'credits' } }]);

    // credit-debited from a real answer, heard both ways, with the same receipt
    await waitUntil(() => chat.shadowRoot!.querySelector('textarea'), 'chat not ready', { timeout: 5000 });
    const textarea = chat.shadowRoot!.querySelector('textarea')!;
    textarea.value = 'Top 10 customers by revenue';
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await chat.updateComplete;
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    await waitUntil(() => heard.filter((h) => h.type === 'credit-debited').length === 2, 'credit-debited did not reach React', { timeout: 5000 });
    const debited = heard.filter((h) => h.type === 'credit-debited');
    expect(debited.map((h) => h.via).sort()).to.deep.equal(['on-prop', 'ref']);
    expect(debited[0]!.detail).to.deep.equal(debited[1]!.detail);
    expect((debited[0]!.detail as { receipt: { credits: number } }).receipt.credits).to.be.greaterThan(0);

    // credit-insert from a code block of the answer, heard both ways; React state follows
    const insertButton = () =>
      answerMarkdown(chat.shadowRoot!.querySelector('[part~="assistant-message"]'))?.querySelector<HTMLButtonElement>('.code-block button[data-action="insert"]');
    await waitUntil(insertButton, 'no code block');
    insertButton()!.click();
    const inserts = heard.filter((h) => h.type === 'credit-insert');
    expect(inserts.map((h) => h.via).sort()).to.deep.equal(['on-prop', 'ref']);
    const detail = inserts[0]!.detail as { text: string; language: string };
    expect(detail.language).to.equal('sql');
    expect(detail.text).to.match(/SELECT/i);
    await waitUntil(() => container.querySelector('#inserted')!.textContent === detail.text, 'React state did not follow');
  });
});
