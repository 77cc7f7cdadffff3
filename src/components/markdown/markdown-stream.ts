import { Lexer, type Token, type Tokens } from 'marked';
import { decodeEntities } from './entities.js';
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

/** A tail longer than this is lexed again at most once per frame, not on every write. */
const EAGER_TAIL = 2048;

type Links = Record<string, { href: string; title: string }>;

/**
 * The warm-up sample, in pieces lexed in separate tasks: the parser's first use compiles its
 * large regular expressions, and the whole sample at once was a 30-70 ms task on a slow machine
 * (the list and the emphasis compile the most).
 */
const WARM_UP_SAMPLES = ['# a\n\n- b\n', '*c* **d** `e`', '[f](g) <h> www.i.j ~k~', '1. l\n\n> m\n\n```n\no\n```\n\n|p|q|\n|-|-|\n|r|s|\n\nt\n---\n'];
/** The pieces not lexed yet; null before the first warm-up call. */
let samplesLeft: string[] | null = null;
let warmUpSoon = false;

/**
 * Lexes a small sample once, piece by piece, so that the compiling does not fall on the first
 * answer shown: when the page is idle, or with `'soon'` (an answer has been asked for and is on
 * its way) in ordinary tasks right away, as idle time may come only after the answer has begun.
 * (An event, as when it listens for focus, means idle.)
 */
export function warmUpParser(when: 'idle' | 'soon' | Event = 'idle'): void {
  const soon = when === 'soon' && !warmUpSoon;
  warmUpSoon ||= soon;
  if (samplesLeft === null) samplesLeft = [...WARM_UP_SAMPLES];
  else if (!soon) return;
  // (a piece already waiting for idle time stays scheduled; whichever task runs first lexes it)
  if (samplesLeft.length) scheduleWarmUp();
}

function scheduleWarmUp(): void {
  if (warmUpSoon || typeof requestIdleCallback !== 'function') setTimeout(lexNextSample, 0);
  else requestIdleCallback(lexNextSample, { timeout: 2000 });
}

function lexNextSample(): void {
  const sample = samplesLeft?.shift();
  if (sample === undefined) return;
  new Lexer({ gfm: true }).lex(sample);
  if (samplesLeft!.length) scheduleWarmUp();
}

/**
 * Markdown (CommonMark 0.31 + GFM) rendered from `marked`'s lexer tokens into elements and text
 * nodes with DOM calls: never HTML parsing, so raw HTML in the text stays literal text.
 * Entities are decoded; links get an `href` only when `safeLinkUrl` accepts them (else their
 * text stays inert); images are shown as links with their alt text, never loaded. Code blocks
 * carry a language label and Copy / Insert buttons with `data-action`, handled by the element
 * that shows them.
 *
 * Streaming: top-level blocks the lexer has closed (a later block has started on a complete
 * line) are finished: their DOM nodes are kept and their text is never lexed again. Only the
 * unfinished tail is lexed again as text arrives, and its DOM is patched in place (text nodes
 * grow with `appendData`, unchanged list items keep their nodes). After `end()` the DOM is the
 * one the whole text renders to at once: when a reference definition arrives after blocks that
 * were already finished, `end()` renders the whole text once more.
 */
export class MarkdownStream {
  /** The container the markdown is rendered into. */
  readonly root: HTMLElement;
  /** The text so far, line endings normalized to `\n`. */
  private source = '';
  private endsWithCR = false;
  /** Length of `source` held by finished blocks. */
  private finished = 0;
  /** Reference definitions of the finished blocks. */
  private readonly links: Links = Object.create(null);
  /** A definition arrived after finished blocks that may use it. */
  private lateDefinition = false;
  /** The tail's tokens and their nodes (null for tokens without output) as last rendered. */
  private tailTokens: Token[] = [];
  private tailNodes: (Node | null)[] = [];
  /** Root children that belong to finished blocks. */
  private finishedNodeCount = 0;
  /** The labels of the definitions in the tail, as last lexed. */
  private tailDefinitions = '[]';
  private frame = 0;
  private ended = false;

  constructor(private readonly labels: MarkdownLabels) {
    this.root = document.createElement('div');
    this.root.className = 'markdown';
  }

  /** Renders a finished text in one go. */
  static fromText(text: string, labels: MarkdownLabels): MarkdownStream {
    const stream = new MarkdownStream(labels);
    stream.write(text);
    stream.end();
    return stream;
  }

  /** The markdown written so far (line endings normalized). */
  get text(): string {
    return this.source;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  write(chunk: string): void {
    if (this.ended || chunk === '') return;
    if (this.endsWithCR && chunk[0] === '\n') chunk = chunk.slice(1);
    this.endsWithCR = chunk.endsWith('\r');
    this.source += chunk.replace(/\r\n?/g, '\n');
    if (this.source.length - this.finished <= EAGER_TAIL) this.flush();
    else this.frame ||= requestAnimationFrame(() => this.flush());
  }

  /** Renders what was written and not yet shown (writes to a long tail wait for the next frame). */
  flush(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.renderTail();
  }

  /** Renders the rest as finished; later writes are ignored. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
    if (this.lateDefinition) {
      // A definition can turn `[text]` of an earlier, finished block into a link: render it all once more.
      this.root.replaceChildren(...this.renderBlocks(new Lexer({ gfm: true }).lex(this.source)));
    }
  }

  private renderTail(): void {
    const lexer = new Lexer({ gfm: true });
    Object.assign(lexer.tokens.links, this.links);
    const tokens = lexer.lex(this.source.slice(this.finished));
    // Every block before the last one is finished once the last one starts on a complete line.
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]!.type === 'space') last--;
    const finishing = this.ended ? tokens.length : last > 0 && tokens[last]!.raw.includes('\n') ? last : 0;
    // A definition new to this lex may link text of blocks whose source did not change.
    const definitions = JSON.stringify(lexer.tokens.links);
    const reuse = definitions === this.tailDefinitions;
    this.tailDefinitions = definitions;
    const nodes: (Node | null)[] = [];
    let anchor: Node | null = this.root.childNodes[this.finishedNodeCount - 1] ?? null;
    for (let i = 0; i < tokens.length; i++) {
      const node = this.patchBlock(reuse ? this.tailTokens[i] : undefined, this.tailNodes[i] ?? null, tokens[i]!);
      if (node) {
        if (node.parentNode !== this.root || node.previousSibling !== anchor) {
          this.root.insertBefore(node, anchor ? anchor.nextSibling : this.root.firstChild);
        }
        anchor = node;
      }
      nodes.push(node);
    }
    for (let i = tokens.length; i < this.tailNodes.length; i++) (this.tailNodes[i] as ChildNode | null)?.remove();
    if (this.finished > 0 && Object.keys(lexer.tokens.links).some((label) => !(label in this.links))) this.lateDefinition = true;
    for (let i = 0; i < finishing; i++) {
      this.finished += tokens[i]!.raw.length;
      addDefinitions(tokens[i]!, this.links);
    }
    this.tailTokens = tokens.slice(finishing);
    this.tailNodes = nodes.slice(finishing);
    this.finishedNodeCount += nodes.slice(0, finishing).filter(Boolean).length;
  }

  /** The node for `token`, reusing `oldNode` (rendered from `old`) where it still fits. */
  private patchBlock(old: Token | undefined, oldNode: Node | null, token: Token): Node | null {
    if (old && oldNode && old.raw === token.raw && old.type === token.type) return oldNode;
    if (
      old?.type === 'list' &&
      token.type === 'list' &&
      oldNode instanceof HTMLElement &&
      old.ordered === token.ordered &&
      old.start === token.start &&
      old.loose === token.loose
    ) {
      const items = token.items;
      const oldItems = old.items as Tokens.ListItem[];
      for (let i = 0; i < items.length; i++) {
        const oldItem = oldNode.children[i];
        if (oldItem && oldItems[i]?.raw === items[i]!.raw) continue;
        const fresh = this.listItem(items[i]!, token.loose);
        if (oldItem) morph(oldItem, fresh);
        else oldNode.append(fresh);
      }
      while (oldNode.children.length > items.length) oldNode.lastElementChild!.remove();
      return oldNode;
    }
    const fresh = this.block(token);
    if (!fresh || !oldNode) {
      (oldNode as ChildNode | null)?.remove();
      return fresh;
    }
    return morph(oldNode, fresh);
  }

  private renderBlocks(tokens: readonly Token[], loose = true): Node[] {
    const out: Node[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.type === 'text' && !loose) {
        // The text of a tight list item: inline content with no paragraph; consecutive lines join.
        if (out.length && tokens[i - 1]?.type === 'text') out.push(document.createTextNode('\n'));
        out.push(...this.paragraphContent(token.tokens ?? [token]));
        continue;
      }
      const node = this.block(token);
      if (node) out.push(node);
    }
    return out;
  }

  private block(token: Token): Node | null {
    switch (token.type) {
      case 'paragraph':
      case 'text':
        return el('p', this.paragraphContent(token.tokens ?? [token]));
      case 'heading':
        return el(`h${token.depth}`, this.inline(token.tokens));
      case 'code':
        return this.codeBlock(token.text, token.codeBlockStyle === 'indented' ? '' : decodeEntities(token.lang ?? ''));
      case 'blockquote':
        return el('blockquote', this.renderBlocks(token.tokens ?? []));
      case 'list': {
        const list = el(token.ordered ? 'ol' : 'ul', token.items.map((item: Tokens.ListItem) => this.listItem(item, token.loose)));
        if (token.ordered && token.start !== 1) list.setAttribute('start', String(token.start));
        return list;
      }
      case 'hr':
        return el('hr');
      case 'table':
        return this.table(token as Tokens.Table);
      case 'html': {
        // Raw HTML is shown as the text it is, never parsed.
        const text = el('p', [document.createTextNode(token.raw.replace(/\n+$/, ''))]);
        text.className = 'raw-html';
        return text;
      }
      default:
        // space, def: nothing to show
        return null;
    }
  }

  private listItem(item: Tokens.ListItem, loose: boolean): HTMLElement {
    const children: Node[] = [];
    let tokens = item.tokens;
    if (item.task) {
      const box = el('input');
      box.setAttribute('type', 'checkbox');
      box.setAttribute('disabled', '');
      if (item.checked) box.setAttribute('checked', '');
      box.setAttribute('aria-label', item.checked ? this.labels.taskDone : this.labels.taskOpen);
      children.push(box, document.createTextNode(' '));
      tokens = tokens.filter((t) => t.type !== 'checkbox');
    }
    const blocks = this.renderBlocks(tokens, loose);
    if (item.task && loose && blocks[0] instanceof HTMLParagraphElement) blocks[0].prepend(...children);
    else blocks.unshift(...children);
    return el('li', blocks);
  }

  private table(token: Tokens.Table): HTMLElement {
    const row = (cells: Tokens.TableCell[], tag: string) =>
      el(
        'tr',
        cells.map((cell, i) => {
          const node = el(tag, this.inline(cell.tokens));
          const align = token.align[i];
          if (align) node.setAttribute('align', align);
          return node;
        }),
      );
    const sections = [el('thead', [row(token.header, 'th')])];
    if (token.rows.length) sections.push(el('tbody', token.rows.map((cells) => row(cells, 'td'))));
    return el('table', sections);
  }

  /** `<div class="code-block">` with a header (language, Copy, Insert) and `<pre><code>`. */
  private codeBlock(text: string, info: string): HTMLElement {
    const language = info.trim().split(/\s/)[0] ?? '';
    const label = el('span', [document.createTextNode(this.labels.codeLabel(language))]);
    label.className = 'code-language';
    const buttons = (['copy', 'insert'] as const).map((action) => {
      const button = el('button', [document.createTextNode(this.labels[action])]);
      button.setAttribute('type', 'button');
      button.dataset.action = action;
      return button;
    });
    const header = el('div', [label, ...buttons]);
    header.className = 'code-header';
    const block = el('div', [header, el('pre', [el('code', text ? [document.createTextNode(text)] : [])])]);
    block.className = 'code-block';
    block.setAttribute('part', 'code-block');
    block.dataset.language = language;
    return block;
  }

  /** Inline content of a paragraph: CommonMark drops the whitespace at its start and end. */
  private paragraphContent(tokens: readonly Token[]): Node[] {
    const trimmed = [...tokens];
    const first = trimmed[0];
    // (only whitespace written as such: `&#9;` stays)
    if (first?.type === 'text' && /^[ \t]/.test(first.raw)) trimmed[0] = { ...first, text: first.text.replace(/^[ \t]+/, '') };
    const last = trimmed[trimmed.length - 1];
    if (last?.type === 'text' && /[ \t\n]$/.test(last.raw)) trimmed[trimmed.length - 1] = { ...last, text: last.text.replace(/[ \t\n]+$/, '') };
    return this.inline(trimmed);
  }

  private inline(tokens: readonly Token[] = []): Node[] {
    const out: Node[] = [];
    for (const token of tokens) {
      switch (token.type) {
        case 'text':
        case 'escape':
          if (token.type === 'text' && token.tokens) out.push(...this.inline(token.tokens));
          else if (token.type === 'escape') out.push(document.createTextNode(decodeEntities(token.text)));
          // A soft line break drops the spaces around it.
          else out.push(document.createTextNode(decodeEntities(token.text.replace(/[ \t]*\n[ \t]*/g, '\n'))));
          break;
        case 'html':
          // Inline HTML stays literal text.
          out.push(document.createTextNode(token.raw));
          break;
        case 'strong':
        case 'em':
        case 'del':
          out.push(el(token.type, this.inline(token.tokens)));
          break;
        case 'codespan':
          out.push(el('code', [document.createTextNode(token.text)]));
          break;
        case 'br':
          out.push(el('br'));
          break;
        case 'link':
          out.push(this.link(token.href, token.title, this.inline(token.tokens)));
          break;
        case 'image': {
          const link = this.link(token.href, token.title, [document.createTextNode(this.labels.image(plainText(token.tokens ?? [])))]);
          link.classList.add('image-link');
          out.push(link);
          break;
        }
        default:
          if ('raw' in token) out.push(document.createTextNode(token.raw));
      }
    }
    return out;
  }

  /** An `<a>` with a checked href that opens apart from the page, or inert text when the URL is not allowed. */
  private link(rawHref: string, title: string | null | undefined, content: Node[]): HTMLElement {
    const href = safeLinkUrl(encodeDestination(decodeEntities(rawHref)));
    const link = el(href ? 'a' : 'span', content);
    if (href) {
      link.setAttribute('href', href);
      link.setAttribute('target', '_blank');
      link.setAttribute('rel', 'noopener noreferrer nofollow');
    } else {
      link.className = 'inert-link';
    }
    if (title) link.setAttribute('title', decodeEntities(title));
    return link;
  }
}

/** A link destination percent-encoded as CommonMark writes it (existing `%XX` escapes kept). */
function encodeDestination(href: string): string {
  return href.replace(/%(?![0-9A-Fa-f]{2})|[^\w;/?:@&=+$,\-.!~*'()#%]+/g, (run) => encodeURIComponent(run));
}

/** The reference definitions in a block, also those inside quotes and list items (the first of a label wins). */
function addDefinitions(token: Token, links: Links): void {
  if (token.type === 'def') links[token.tag] ??= { href: token.href, title: token.title };
  else if (token.type === 'list') for (const item of token.items as Tokens.ListItem[]) item.tokens.forEach((t) => addDefinitions(t, links));
  else if (token.type === 'blockquote') token.tokens?.forEach((t) => addDefinitions(t, links));
}

function el(tag: string, children: readonly Node[] = []): HTMLElement {
  const element = document.createElement(tag);
  element.append(...children);
  return element;
}

/** The plain text of inline tokens, as CommonMark writes an image's alt text. */
function plainText(tokens: readonly Token[]): string {
  let text = '';
  for (const token of tokens) {
    if ('tokens' in token && token.tokens?.length) text += plainText(token.tokens);
    else if (token.type === 'text' || token.type === 'escape') text += decodeEntities(token.text);
    else if (token.type === 'codespan') text += token.text;
    else if (token.type !== 'br') text += token.raw;
  }
  return text;
}

/**
 * Makes `old` look like `fresh` with as few changes as possible and answers the node to keep:
 * equal nodes stay, a text that grew is appended to, children are patched pairwise.
 */
function morph(old: Node, fresh: Node): Node {
  if (old.nodeType !== fresh.nodeType || old.nodeName !== fresh.nodeName) {
    (old as ChildNode).replaceWith(fresh);
    return fresh;
  }
  if (old instanceof Text) {
    const data = (fresh as Text).data;
    if (old.data !== data) {
      if (data.startsWith(old.data)) old.appendData(data.slice(old.data.length));
      else old.data = data;
    }
    return old;
  }
  if (old instanceof Element) {
    const target = fresh as Element;
    for (const name of old.getAttributeNames()) if (!target.hasAttribute(name)) old.removeAttribute(name);
    for (const name of target.getAttributeNames()) {
      const value = target.getAttribute(name)!;
      if (old.getAttribute(name) !== value) old.setAttribute(name, value);
    }
    const olds = [...old.childNodes];
    const news = [...target.childNodes];
    for (let i = 0; i < news.length; i++) {
      if (i < olds.length) morph(olds[i]!, news[i]!);
      else old.appendChild(news[i]!);
    }
    for (let i = news.length; i < olds.length; i++) olds[i]!.remove();
  }
  return old;
}

/** The code text and language of the code block a Copy or Insert button belongs to. */
export function codeOfBlock(button: Element): { text: string; language: string } | null {
  const block = button.closest('.code-block');
  if (!(block instanceof HTMLElement)) return null;
  return { text: block.querySelector('code')?.textContent ?? '', language: block.dataset.language ?? '' };
}
