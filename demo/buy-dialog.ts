// The host's own "Get AI credits" dialog, opened by the widget's `credit-buy` event and by the
// toolbar button. A real host takes payment here; the demo grants add-on credits through its
// demo-only route (POST /demo-api/buy-credits, multiples of 100).
import type { AddonGrant } from '../src/index.js';
import { byId } from './dom.js';
import { HostDialog } from './host-dialog.js';
import { requestJson } from './session.js';

export interface BuyDialogOptions {
  token: () => string;
  /** after a purchase: refresh the balance everywhere and tell the builder */
  onPurchased: (grant: AddonGrant) => void;
}

export class BuyDialog extends HostDialog {
  private readonly submit = byId('buy-submit', HTMLButtonElement);

  constructor(private readonly options: BuyDialogOptions) {
    super({ dialog: 'buy-dialog', form: 'buy-form', status: 'buy-status' });
    this.form.addEventListener('change', () => this.updateSubmit());
    this.updateSubmit();
  }

  open(opener: HTMLElement | null): void {
    this.submit.disabled = false;
    this.show(opener);
    this.dialog.querySelector<HTMLInputElement>('input[name="credits"]:checked')?.focus();
  }

  private get credits(): number {
    return Number(new FormData(this.form).get('credits') ?? 0);
  }

  private updateSubmit(): void {
    this.submit.textContent = `Buy ${this.credits.toLocaleString('en-US')} credits`;
  }

  protected async submitted(): Promise<void> {
    this.submit.disabled = true;
    this.say('Adding credits…');
    try {
      const grant = await requestJson<AddonGrant>('POST', '/demo-api/buy-credits', this.options.token(), { credits: this.credits });
      this.say('');
      this.dialog.close();
      this.options.onPurchased(grant);
    } catch (error) {
      this.say(`Not bought: ${(error as Error).message}`, true);
    } finally {
      this.submit.disabled = false;
    }
  }
}
