import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { accountApi } from '../../client/account-client.js';
import { applyBalance } from '../../client/query.js';
import type { PurchaseQuote } from '../../contract/index.js';
import { CreditElement } from '../shared/credit-element.js';
import { themeStyles } from '../shared/theme.styles.js';
import { creditPurchaseStyles } from './credit-purchase.styles.js';
import { PurchaseFollower } from './purchase-follower.js';

export const PURCHASE_PRESETS = [100, 500, 1000] as const;
const RETURN_PARAMS = ['credit_purchase', 'credit_purchase_cancelled'];

/** Money in minor units, formatted for a locale. */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/**
 * @tag credit-purchase
 * @summary The purchase dialog for add-on AI credits: a quantity in steps of 100 (presets
 * 100, 500 and 1,000), the price, a promo code checked by the server, and "Continue to
 * payment", which hands over to the payment gateway. Back on the host page (the URL carries
 * `credit_purchase=<id>`), it shows how the purchase ended and the new balance, following the
 * purchase until it is paid, failed or expired.
 *
 * @csspart dialog - The dialog.
 * @csspart continue-button - "Continue to payment".
 *
 * @cssproperty --credit-chat-background - Background.
 * @cssproperty --credit-chat-color - Text color.
 * @cssproperty --credit-chat-accent - Buttons and focus ring.
 * @cssproperty --credit-chat-danger - Refusals.
 */
export class CreditPurchase extends CreditElement {
  static override styles = [themeStyles, creditPurchaseStyles];

  /** Whether the dialog is open. */
  @property({ type: Boolean, reflect: true }) open = false;

  /** Credits to buy (a multiple of 100). */
  @property({ type: Number }) credits = 500;

  /** Where the gateway sends the builder back; by default this page without the purchase parameters. */
  @property({ attribute: 'return-url' }) returnUrl?: string;

  /** The purchase to follow (set from the URL when the gateway sends the builder back). */
  @property({ attribute: 'purchase-id' }) purchaseId?: string;

  /** Goes to the gateway's page; replaceable (tests, hosts that open it elsewhere). */
  @property({ attribute: false }) navigate: (url: string) => void = (url) => window.location.assign(url);

  @state() private quote?: PurchaseQuote;
  @state() private promoCode = '';
  @state() private promoError = '';
  @state() private error = '';
  @state() private busy = false;
  @state() private cancelled = false;

  @query('dialog') private dialog?: HTMLDialogElement;
  private quoteRequest = 0;
  // every element of this page, and every other tab, shows the new balance
  private readonly follower = new PurchaseFollower(this, () => this.client, (balance) =>
    applyBalance(this.resolvedQueryClient, this.client.scope, balance),
  );

  /** Opens the dialog. */
  show(): void {
    this.open = true;
  }

  /** Closes the dialog. */
  close(): void {
    this.open = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.purchaseId !== undefined) return;
    const params = new URLSearchParams(window.location.search);
    const id = params.get('credit_purchase');
    if (!id) return;
    this.purchaseId = id;
    this.cancelled = params.has('credit_purchase_cancelled');
    const url = new URL(window.location.href);
    for (const name of RETURN_PARAMS) url.searchParams.delete(name);
    history.replaceState(history.state, '', url);
    this.open = true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('purchaseId') && this.purchaseId) void this.follower.follow(this.purchaseId, this.cancelled);
    if (changed.has('open') && this.open && !this.purchaseId && !this.quote) void this.fetchQuote();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.dialog;
    if (!dialog || !changed.has('open')) return;
    if (this.open && !dialog.open) dialog.showModal();
    else if (!this.open && dialog.open) dialog.close();
  }

  private async fetchQuote(promoCode = this.quote?.promoCode?.code): Promise<boolean> {
    const request = ++this.quoteRequest;
    try {
      const quote = await accountApi.quote(this.client, this.credits, promoCode);
      if (request === this.quoteRequest) {
        this.quote = quote;
        this.error = '';
      }
      return true;
    } catch (err) {
      if (request !== this.quoteRequest) return false;
      const field = (err as { details?: { field?: string } }).details?.field;
      if (field === 'promoCode') this.promoError = (err as Error).message.replace(/^promoCode: /, '');
      else this.error = (err as Error).message.replace(/^credits: /, 'Credits ');
      return false;
    }
  }

  private setCredits(credits: number) {
    this.credits = credits;
    void this.fetchQuote();
  }

  private onCreditsInput(event: Event) {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isInteger(value) && value >= 100 && value % 100 === 0) this.setCredits(value);
    else {
      this.quote = undefined;
      this.error = 'Credits come in steps of 100, at least 100.';
    }
  }

  private async applyPromo(event: Event) {
    event.preventDefault();
    this.promoError = '';
    const code = this.promoCode.trim();
    if (!(await this.fetchQuote(code || undefined)) && code) {
      // keep the price without the refused code
      void this.fetchQuote(undefined).then(() => undefined);
    }
  }

  private async continueToPayment(event: Event) {
    event.preventDefault();
    if (!this.quote || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      const purchase = await accountApi.createPurchase(this.client, {
        credits: this.credits,
        ...(this.quote.promoCode ? { promoCode: this.quote.promoCode.code } : {}),
        returnUrl: this.returnUrl ?? hostPageUrl(),
      });
      if (!purchase.checkoutUrl) throw new Error('The payment page is not available.');
      this.navigate(purchase.checkoutUrl);
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<dialog part="dialog" aria-labelledby="title" @close=${() => (this.open = false)}>
      ${this.purchaseId ? this.renderOutcome() : this.renderChoice()}
    </dialog>`;
  }

  private renderChoice() {
    const q = this.quote;
    const money = (minor: number) => formatMoney(minor, q!.currency, this.locale);
    return html`<form @submit=${this.continueToPayment}>
      <h2 id="title">Get AI credits</h2>
      <p class="note">Add-on credits never renew and stay valid one year from your latest purchase.</p>
      <fieldset>
        <legend>Credits</legend>
        <div class="presets">
          ${PURCHASE_PRESETS.map(
            (n) =>
              html`<button type="button" class="secondary-button" aria-pressed=${this.credits === n ? 'true' : 'false'} @click=${() => this.setCredits(n)}>
                ${this.format.integer(n)}
              </button>`,
          )}
        </div>
        <label for="credits">Number of credits (steps of 100)</label>
        <input id="credits" type="number" min="100" step="100" .value=${String(this.credits)} @change=${this.onCreditsInput} />
      </fieldset>
      <label for="promo">Promo code</label>
      <div class="row">
        <input id="promo" autocomplete="off" .value=${this.promoCode} @input=${(e: Event) => (this.promoCode = (e.target as HTMLInputElement).value)}
          aria-describedby="promo-status" @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.applyPromo(e)} />
        <button type="button" class="secondary-button" @click=${this.applyPromo}>Apply</button>
      </div>
      <p id="promo-status" role="status" class=${this.promoError ? 'error' : 'note'}>
        ${this.promoError ? `Promo code refused: ${this.promoError}` : q?.promoCode ? `${q.promoCode.code}: ${q.promoCode.description}` : ''}
      </p>
      <div class="price" aria-live="polite">
        ${q
          ? html`<dl>
              <dt>${this.format.integer(q.credits)} credits</dt>
              <dd>${money(q.subtotal)}</dd>
              ${q.discount ? html`<dt>Discount</dt><dd>−${money(q.discount)}</dd>` : nothing}
              <dt class="total">Total</dt>
              <dd class="total">${money(q.amount)}</dd>
            </dl>`
          : html`<span class="note">${this.error ? '' : 'Pricing…'}</span>`}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="actions">
        <button type="button" class="secondary-button" @click=${this.close}>Cancel</button>
        <button type="submit" class="primary-button" part="continue-button" ?disabled=${!q || this.busy}>Continue to payment</button>
      </div>
    </form>`;
  }

  private renderOutcome() {
    const p = this.follower.purchase;
    const newBalance = this.follower.balance;
    const error = this.follower.error || this.error;
    let title = 'Checking your payment…';
    let body: unknown = html`<p>Waiting for the payment to be confirmed.</p>`;
    if (p?.status === 'paid') {
      title = 'Credits added';
      body = html`<p>${this.format.integer(p.credits)} AI credits were added${p.grant ? `, valid until ${this.format.date(p.grant.validUntil)}` : ''}.</p>
        ${newBalance ? html`<p>New balance: <strong>${this.format.credits(newBalance.total)}</strong> AI credits.</p>` : nothing}`;
    } else if (p && (p.status === 'failed' || p.status === 'expired' || this.cancelled)) {
      title = 'No credits bought';
      body = html`<p>${p.status === 'failed' ? 'The payment failed.' : 'The payment was cancelled.'} Nothing was charged.</p>`;
    }
    return html`<h2 id="title">${title}</h2>
      <div role="status">${body}</div>
      ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
      <div class="actions">
        <button type="button" class="primary-button" @click=${this.finish}>Close</button>
      </div>`;
  }

  private finish() {
    this.purchaseId = undefined;
    this.follower.reset();
    this.cancelled = false;
    this.close();
  }
}

/** This page without the parameters the gateway adds on the way back. */
function hostPageUrl(): string {
  const url = new URL(window.location.href);
  for (const name of RETURN_PARAMS) url.searchParams.delete(name);
  url.hash = '';
  return url.toString();
}
