// Short notices at the bottom of the page, read out by screen readers (the container is a polite live region).
import { h } from './dom.js';

const SHOWN_MS = 5000;

export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const region = document.getElementById('toasts');
  if (!region) return;
  const item = h('p', { class: `toast ${kind}` }, message);
  region.append(item);
  while (region.childElementCount > 3) region.firstElementChild?.remove();
  setTimeout(() => {
    item.classList.add('leaving');
    setTimeout(() => item.remove(), 300);
  }, SHOWN_MS);
}
