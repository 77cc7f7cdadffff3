import { safeLinkUrl } from '../../../src/components/markdown/safe-url.js';
import { defaultStrings } from '../../../src/i18n/strings.js';

/**
 * One string for a rendered tree, so that `<credit-markdown>`'s DOM can be compared with a
 * reference renderer's HTML: whitespace between blocks dropped, a code block as `<pre><code>`
 * with its language, and the reference's links and images turned into what the safe renderer
 * must make of them (hrefs resolved and checked by `safeLinkUrl`, an image as a link with the
 * image label, a link with a refused URL as inert text).
 */
export function canonicalHtml(root: ParentNode): string {
  const copy = (root as Node).cloneNode(true);
  copy.normalize();
  return [...copy.childNodes].map((node) => canonical(node, false)).join('');
}

/** The reference renderer's HTML, parsed without running anything (a template). */
export function parseHtml(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (text: string) => escapeText(text).replace(/"/g, '&quot;');

function canonical(node: Node, inPre: boolean): string {
  if (node.nodeType === Node.TEXT_NODE) {
    const data = (node as Text).data;
    if (inPre) return escapeText(data);
    if (/^\s*$/.test(data) && data.includes('\n')) return '';
    return escapeText(data.replace(/^\n+|\n+$/g, ''));
  }
  if (!(node instanceof Element)) return '';
  const tag = node.localName;
  const children = (pre = inPre) => [...node.childNodes].map((child) => canonical(child, pre)).join('');
  if (tag === 'div' && node.classList.contains('code-block')) {
    const language = (node as HTMLElement).dataset.language ?? '';
    return codeBlock(node.querySelector('code')?.textContent ?? '', language);
  }
  if (tag === 'pre' && node.firstElementChild?.localName === 'code') {
    const code = node.firstElementChild;
    const language = [...code.classList].find((name) => name.startsWith('language-'))?.slice('language-'.length) ?? '';
    return codeBlock(code.textContent ?? '', language);
  }
  if (tag === 'img') {
    return link(node.getAttribute('src'), node.getAttribute('title'), escapeText(defaultStrings.image(node.getAttribute('alt') ?? '')));
  }
  if (tag === 'a') return link(node.getAttribute('href'), node.getAttribute('title'), children());
  if (tag === 'span' && node.classList.contains('inert-link')) return link(null, node.getAttribute('title'), children());
  if (tag === 'input') return node.hasAttribute('checked') ? '<input checked>' : '<input>';
  // (a reference may write the alignment of a table cell as a style, and strikethrough as <s>)
  const align = node.getAttribute('align') ?? (node as HTMLElement).style?.textAlign;
  const attributes =
    (node.hasAttribute('start') ? ` start="${escapeAttr(node.getAttribute('start')!)}"` : '') + (align ? ` align="${escapeAttr(align)}"` : '');
  if (tag === 's') return `<del>${children()}</del>`;
  if (tag === 'br' || tag === 'hr') return `<${tag}>`;
  return `<${tag}${attributes}>${children(inPre || tag === 'pre')}</${tag}>`;
}

function codeBlock(text: string, language: string): string {
  return `<pre><code${language ? ` lang="${escapeAttr(language)}"` : ''}>${escapeText(text.replace(/\n$/, ''))}</code></pre>`;
}

function link(href: string | null, title: string | null, content: string): string {
  const safe = href === null ? null : safeLinkUrl(href);
  return `<a${safe ? ` href="${escapeAttr(safe)}"` : ''}${title ? ` title="${escapeAttr(title)}"` : ''}>${content}</a>`;
}
