// What the demo's dialogs share: a modal <dialog> holding a form, closed by its [data-close]
// buttons or Escape, giving focus back to what opened it (also a button inside the widget's
// shadow root, which the dialog cannot know by itself).
import { byId } from './dom.js';

export abstract class HostDialog {
  protected readonly dialog: HTMLDialogElement;
  protected readonly form: HTMLFormElement;
  protected readonly status: HTMLElement;
  private opener: HTMLElement | null = null;

  constructor(ids: { dialog: string; form: string; status: string }) {
    this.dialog = byId(ids.dialog, HTMLDialogElement);
    this.form = byId(ids.form, HTMLFormElement);
    this.status = byId(ids.status, HTMLElement);
    for (const close of this.dialog.querySelectorAll<HTMLButtonElement>('[data-close]')) {
      close.addEventListener('click', () => this.dialog.close());
    }
    this.dialog.addEventListener('close', () => this.opener?.focus());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submitted();
    });
  }

  protected abstract submitted(): Promise<void>;

  protected show(opener: HTMLElement | null): void {
    this.opener = opener;
    this.say('');
    this.dialog.showModal();
  }

  /** The dialog's status line (a polite live region); red for errors. */
  protected say(message: string, isError = false): void {
    this.status.textContent = message;
    this.status.classList.toggle('error', isError);
  }
}
