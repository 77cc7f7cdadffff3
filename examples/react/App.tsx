// <credit-chat> in a React 19 component: attributes and properties as props, the widget's
// events through a ref (typed by the HTMLElementEventMap entries credit-chat declares).
import { useEffect, useRef, useState } from 'react';
import 'credit-chat'; // defines <credit-chat> and <credit-balance>
import type { CreditChat } from 'credit-chat';
import './credit-chat-elements.js'; // their JSX types

export function App({ token }: { token: string }) {
  const chat = useRef<CreditChat>(null);
  const [sql, setSql] = useState('');
  const [notice, setNotice] = useState('');

  useEffect(() => {
    const element = chat.current;
    if (!element) return;
    const controller = new AbortController();
    const { signal } = controller;
    element.addEventListener('credit-insert', (event) => {
      if (event.detail.language === 'sql') setSql(event.detail.text);
    }, { signal });
    element.addEventListener('credit-debited', (event) => {
      const { credits, balance } = event.detail.receipt;
      setNotice(`Charged ${credits} credits; ${balance.total} left.`);
    }, { signal });
    element.addEventListener('credit-insufficient', (event) => {
      setNotice(`Needs up to ${event.detail.needed} credits; ${event.detail.available} available.`);
    }, { signal });
    // <credit-balance> inside the chat and in the header both fire it; it bubbles to the document.
    // Left alone it opens <credit-purchase>; preventDefault() runs the host's own purchase flow.
    document.addEventListener('credit-buy', (event) => {
      event.preventDefault();
      setNotice('Open your purchase flow here.');
    }, { signal });
    return () => controller.abort();
  }, []);

  return (
    <div className="builder">
      <header>
        <strong>My app builder</strong>
        <credit-balance token={token} />
      </header>
      <main>
        <section>
          <label htmlFor="sql">Query</label>
          <textarea id="sql" value={sql} onChange={(event) => setSql(event.target.value)} rows={8} />
          <p role="status">{notice}</p>
        </section>
        <credit-chat ref={chat} token={token} operation="sql_generation" />
      </main>
    </div>
  );
}
