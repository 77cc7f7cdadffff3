import * as smd from 'streaming-markdown';
import { safeLinkUrl } from './safe-url.js';

/** The labels the renderer writes into code blocks and task items. */
export interface MarkdownLabels {
  codeLabel(language: string): string;
  copy: string;
  insert: string;
  taskDone: string;
  taskOpen: string;
  image(alt: string): string;
}

const TAGS: Partial<Record<smd.Token, string>> = {
  [smd.BLOCKQUOTE]: 'blockquote',
  [smd.PARAGRAPH]: 'p',
  [smd.LINE_BREAK]: 'br',
  [smd.RULE]: 'hr',
  [smd.HEADING_1]: 'h1',
  [smd.HEADING_2]: 'h2',
  [smd.HEADING_3]: 'h3',
  [smd.HEADING_4]: 'h4',
  [smd.HEADING_5]: 'h5',
  [smd.HEADING_6]: 'h6',
  [smd.ITALIC_AST]: 'em',
  [smd.ITALIC_UND]: 'em',
  [smd.STRONG_AST]: 'strong',
  [smd.STRONG_UND]: 'strong',
  [smd.STRIKE]: 's',
  [smd.CODE_INLINE]: 'code',
  [smd.LINK]: 'a',
  [smd.RAW_URL]: 'a',
  [smd.LIST_UNORDERED]: 'ul',
  [smd.LIST_ORDERED]: 'ol',
  [smd.LIST_ITEM]: 'li',
  [smd.TABLE]: 'table',
  [smd.TABLE_ROW]: 'tr',
  [smd.EQUATION_BLOCK]: 'pre',
  [smd.EQUATION_INLINE]: 'code',
};

/**
 * Markdown rendered incrementally from streaming-markdown's parser tokens into elements and
 * text nodes: never HTML parsing, so markup in the text stays text. Each `write` touches only
 * the growing tail (new text is appended to the last text node; new elements go at the end).
 * Links get an `href` only when `safeLinkUrl` accepts them; images are shown as links, never
 * loaded. Code blocks carry a language label and Copy / Insert buttons with `data-action`,
 * handled by the element that shows them.
 */
export class MarkdownStream {
  /** The container the markdown is rendered into. */
  readonly root: HTMLElement;
  private readonly parser: smd.Parser;
  /** The open elements, innermost last; the first is the root. */
  private readonly open: Element[];
  private ended = false;

  constructor(private readonly labels: MarkdownLabels) {
    this.root = document.createElement('div');
    this.root.className = 'markdown';
    this.open = [this.root];
    this.parser = smd.parser({
      data: this,
      add_token: (_: unknown, type: smd.Token) => this.addToken(type),
      end_token: () => this.endToken(),
      add_text: (_: unknown, text: string) => this.addText(text),
      set_attr: (_: unknown, type: smd.Attr, value: string) => this.setAttr(type, value),
    });
  }

  /** Renders a finished text in one go. */
  static fromText(text: string, labels: MarkdownLabels): MarkdownStream {
    const stream = new MarkdownStream(labels);
    stream.write(text);
    stream.end();
    return stream;
  }

  write(chunk: string): void {
    if (this.ended || chunk === '') return;
    smd.parser_write(this.parser, chunk);
  }

  /** Flushes what the parser still holds; later writes are ignored. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    smd.parser_end(this.parser);
  }

  private get current(): Element {
    return this.open[this.open.length - 1]!;
  }

  private addToken(type: smd.Token): void {
    if (type === smd.DOCUMENT) return;
    let parent = this.current;
    let element: Element;
    switch (type) {
      case smd.CODE_BLOCK:
      case smd.CODE_FENCE:
        element = this.codeBlock(parent);
        break;
      case smd.IMAGE:
        element = parent.appendChild(document.createElement('a'));
        element.className = 'image-link';
        break;
      case smd.CHECKBOX:
        element = parent.appendChild(this.checkbox());
        break;
      case smd.TABLE_ROW:
        parent = this.tableSection(parent);
        element = parent.appendChild(document.createElement('tr'));
        break;
      case smd.TABLE_CELL:
        element = parent.appendChild(document.createElement(parent.parentElement?.tagName === 'THEAD' ? 'th' : 'td'));
        break;
      default:
        element = parent.appendChild(document.createElement(TAGS[type] ?? 'span'));
        if (type === smd.EQUATION_BLOCK || type === smd.EQUATION_INLINE) element.className = 'math';
    }
    this.open.push(element);
  }

  private endToken(): void {
    const closed = this.open.pop();
    if (closed?.classList.contains('image-link')) {
      closed.textContent = this.labels.image(closed.textContent ?? '');
    }
    if (this.open.length === 0) this.open.push(this.root);
  }

  private addText(text: string): void {
    const parent = this.current;
    const last = parent.lastChild;
    if (last && last.nodeType === Node.TEXT_NODE) (last as Text).appendData(text);
    else parent.appendChild(document.createTextNode(text));
  }

  private setAttr(type: smd.Attr, value: string): void {
    const element = this.current;
    switch (type) {
      case smd.HREF:
      case smd.SRC: {
        const href = safeLinkUrl(value);
        if (href && element instanceof HTMLAnchorElement) {
          element.href = href;
          element.target = '_blank';
          element.rel = 'noopener noreferrer nofollow';
        }
        break;
      }
      case smd.LANG: {
        const block = element.closest('.code-block');
        const language = value.trim().split(/\s+/)[0] ?? '';
        if (block instanceof HTMLElement) {
          block.dataset.language = language;
          block.querySelector('.code-language')!.textContent = this.labels.codeLabel(language);
        }
        break;
      }
      case smd.CHECKED:
        if (element instanceof HTMLInputElement) {
          element.checked = true;
          element.setAttribute('aria-label', this.labels.taskDone);
        }
        break;
      case smd.START: {
        const start = Number.parseInt(value, 10);
        if (element instanceof HTMLOListElement && Number.isSafeInteger(start)) element.start = start;
        break;
      }
    }
  }

  /** `<div class="code-block">` with a header (language, Copy, Insert) and `<pre><code>`; returns the code element. */
  private codeBlock(parent: Element): Element {
    const block = parent.appendChild(document.createElement('div'));
    block.className = 'code-block';
    block.setAttribute('part', 'code-block');
    block.dataset.language = '';
    const header = block.appendChild(document.createElement('div'));
    header.className = 'code-header';
    const language = header.appendChild(document.createElement('span'));
    language.className = 'code-language';
    language.textContent = this.labels.codeLabel('');
    for (const [action, label] of [
      ['copy', this.labels.copy],
      ['insert', this.labels.insert],
    ] as const) {
      const button = header.appendChild(document.createElement('button'));
      button.type = 'button';
      button.dataset.action = action;
      button.textContent = label;
    }
    const pre = block.appendChild(document.createElement('pre'));
    return pre.appendChild(document.createElement('code'));
  }

  private checkbox(): HTMLInputElement {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.disabled = true;
    box.setAttribute('aria-label', this.labels.taskOpen);
    return box;
  }

  /** Rows go into `thead` (the first) or `tbody` (the rest). */
  private tableSection(table: Element): Element {
    const sections = table.children;
    if (sections.length === 0) return table.appendChild(document.createElement('thead'));
    if (sections.length === 1) return table.appendChild(document.createElement('tbody'));
    return sections[1]!;
  }
}

/** The code text and language of the code block a Copy or Insert button belongs to. */
export function codeOfBlock(button: Element): { text: string; language: string } | null {
  const block = button.closest('.code-block');
  if (!(block instanceof HTMLElement)) return null;
  return { text: block.querySelector('code')?.textContent ?? '', language: block.dataset.language ?? '' };
}
