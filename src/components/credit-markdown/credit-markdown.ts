import { LitElement, html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { CreditInsertEvent } from '../../events/credit-insert.js';
import { mergeStrings, type CreditStrings } from '../../i18n/strings.js';
import { MarkdownStream, codeOfBlock, warmUpParser } from '../markdown/markdown-stream.js';
import { themeStyles } from '../shared/theme.styles.js';
import { creditMarkdownStyles } from './credit-markdown.styles.js';

/**
 * @tag credit-markdown
 * @summary An AI answer rendered safely: CommonMark + GFM built as elements and text nodes, raw
 * HTML shown as text, only http/https/mailto links, images as links; code blocks with Copy and
 * Insert. Streams: a `markdown` that extends the previous value is rendered incrementally.
 *
 * @event {CreditInsertEvent} credit-insert - The reader pressed Insert on a code block `{ text, language }`.
 *
 * @csspart code-block - A code block, with its language, Copy and Insert buttons.
 *
 * @cssproperty --credit-chat-color - Text color.
 * @cssproperty --credit-chat-muted-color - Code block header and quotes.
 * @cssproperty --credit-chat-border-color - Borders of code blocks, tables and quotes.
 * @cssproperty --credit-chat-accent - Links.
 * @cssproperty --credit-chat-background - Background of the code block buttons.
 * @cssproperty --credit-chat-code-background - Code.
 * @cssproperty --credit-chat-radius - Corner radius of code blocks.
 * @cssproperty --credit-chat-font - Font shorthand.
 * @cssproperty --credit-chat-code-font - Font shorthand of code.
 */
export class CreditMarkdown extends LitElement {
  static override styles = [themeStyles, creditMarkdownStyles];

  /** While set, the answer is still arriving: its unfinished last block is shown as it stands. */
  @property({ type: Boolean, reflect: true }) streaming = false;

  /** `light` or `dark`; without it the element follows `prefers-color-scheme`. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** Translations of the code block and image labels (see `src/i18n/strings.ts`). */
  @property({ attribute: false }) strings?: Partial<CreditStrings>;

  private source = '';
  private view?: MarkdownStream;

  /**
   * The markdown to show. A value that extends the previous one is appended to what is rendered
   * (only the unfinished tail is parsed again); any other value renders anew.
   */
  @property()
  get markdown(): string {
    return this.source;
  }
  set markdown(value: string) {
    value = value ?? '';
    const old = this.source;
    if (value === old) return;
    if (this.view && !this.view.isEnded && value.length > old.length && value.startsWith(old)) {
      this.writePending();
      this.view.write(value.slice(old.length));
    } else {
      this.view = undefined;
    }
    this.source = value;
    this.requestUpdate('markdown', old);
  }

  /**
   * Appends `chunk` to `markdown`: the cheap way to feed a stream (no comparison of what came
   * before). While `streaming`, text is rendered at most twice a frame: at once when it is the
   * first since the last frame, else with everything else that arrived, at the frame.
   */
  appendMarkdown(chunk: string): void {
    if (!chunk) return;
    const old = this.source;
    this.source += chunk;
    if (this.view && !this.view.isEnded && this.streaming) {
      // The first text of a frame is shown at once; what follows in the same frame is rendered with it at the frame.
      if (this.frame) this.pending += chunk;
      else {
        this.view.write(chunk);
        this.frame = requestAnimationFrame(() => this.writePending());
      }
    } else {
      this.view = undefined;
      this.requestUpdate('markdown', old);
    }
  }

  /** Text appended while streaming, not yet handed to the renderer. */
  private pending = '';
  private frame = 0;

  private writePending(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const chunk = this.pending;
    this.pending = '';
    if (chunk && this.view) this.view.write(chunk);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    warmUpParser();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings')) this.view = undefined;
    this.writePending();
    if (!this.view) {
      this.view = new MarkdownStream(mergeStrings(this.strings));
      this.view.write(this.source);
    }
    if (!this.streaming) this.view.end();
  }

  override render() {
    return html`<div @click=${this.onClick}>${this.view!.root}</div>`;
  }

  private onClick(event: Event) {
    const button = (event.target as Element).closest?.('button[data-action]');
    const code = button && codeOfBlock(button);
    if (!code) return;
    if ((button as HTMLButtonElement).dataset.action === 'insert') this.dispatchEvent(new CreditInsertEvent(code));
    else void this.copy(button as HTMLButtonElement, code.text);
  }

  private async copy(button: HTMLButtonElement, code: string) {
    const s = mergeStrings(this.strings);
    try {
      await navigator.clipboard.writeText(code);
      button.textContent = s.copied;
    } catch {
      button.textContent = s.copyFailed;
    }
    setTimeout(() => (button.textContent = s.copy), 1500);
  }
}
