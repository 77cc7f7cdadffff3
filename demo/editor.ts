// A plain code editor: a monospace <textarea> with a line-number gutter that scrolls with it.

export interface EditorParts {
  textarea: HTMLTextAreaElement;
  gutter: HTMLElement;
  language: HTMLElement;
  title: HTMLElement;
  clear: HTMLButtonElement;
}

export class CodeEditor {
  private lineCount = 0;

  constructor(
    private readonly parts: EditorParts,
    onChange: () => void,
  ) {
    parts.textarea.addEventListener('input', () => {
      this.renderGutter();
      onChange();
    });
    parts.textarea.addEventListener('scroll', () => {
      parts.gutter.scrollTop = parts.textarea.scrollTop;
    });
    parts.textarea.addEventListener('keydown', (event) => {
      // Tab indents inside the editor; Escape then Tab leaves it (the usual editor escape hatch).
      if (event.key !== 'Tab' || event.shiftKey || parts.textarea.dataset.tabLeaves === 'true') return;
      event.preventDefault();
      parts.textarea.setRangeText('  ', parts.textarea.selectionStart, parts.textarea.selectionEnd, 'end');
      this.renderGutter();
      onChange();
    });
    parts.textarea.addEventListener('keyup', (event) => {
      if (event.key === 'Escape') parts.textarea.dataset.tabLeaves = 'true';
    });
    parts.textarea.addEventListener('blur', () => delete parts.textarea.dataset.tabLeaves);
    parts.clear.addEventListener('click', () => {
      this.set('', this.parts.language.textContent ?? '', this.parts.title.textContent ?? '');
      parts.textarea.focus();
      onChange();
    });
    this.renderGutter();
  }

  get value(): string {
    return this.parts.textarea.value;
  }

  get language(): string {
    return this.parts.language.textContent ?? '';
  }

  get title(): string {
    return this.parts.title.textContent ?? '';
  }

  /** Replaces the content, its language badge and its title; flashes to show where it went. */
  set(text: string, language: string, title: string): void {
    this.parts.textarea.value = text;
    this.parts.language.textContent = language;
    this.parts.title.textContent = title;
    this.parts.textarea.setSelectionRange(0, 0);
    this.parts.textarea.scrollTop = 0;
    this.parts.textarea.scrollLeft = 0;
    this.renderGutter();
    const panel = this.parts.textarea.closest('section');
    panel?.classList.remove('flash');
    // restart the animation
    void panel?.getBoundingClientRect();
    panel?.classList.add('flash');
  }

  private renderGutter(): void {
    const lines = Math.max(1, this.parts.textarea.value.split('\n').length);
    if (lines === this.lineCount) return;
    this.lineCount = lines;
    this.parts.gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join('\n');
  }
}
