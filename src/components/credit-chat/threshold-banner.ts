import { css, html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { Balance } from '../../contract/ledger.js';
import type { LocaleFormat } from '../../i18n/format.js';
import type { CreditStrings } from '../../i18n/strings.js';
import { alertState, announceThresholds, mostUrgentAlert } from '../shared/threshold-state.js';

/**
 * @tag credit-threshold-banner
 * @summary The banner `<credit-chat>` shows under its header while a threshold of this cycle is
 * crossed (`alerts` of `GET /balance`): the most urgent one, announced politely. Hidden
 * without alerts and while the builder's own key pays.
 *
 * @event {CreditThresholdEvent} credit-threshold - A threshold crossed that this page had not announced.
 *
 * @csspart banner - The banner.
 *
 * @cssproperty --credit-chat-warning-background - Background of a warning or critical banner (read through the chat's palette).
 * @cssproperty --credit-chat-warning-color - Its text and border.
 * @cssproperty --credit-chat-danger - Text and border when the credits are used up.
 */
export class CreditThresholdBanner extends LitElement {
  // no theme of its own: it inherits the chat's --_ palette (it lives in the chat's shadow root)
  static override styles = [
    css`
      :host {
        display: block;
      }
      .banner {
        margin: 0;
        padding: 8px 12px;
        border-block-end: 1px solid var(--_warning-color);
        background: var(--_warning-background);
        color: var(--_warning-color);
      }
      .banner.depleted {
        border-color: var(--_danger);
        color: var(--_danger);
      }
    `,
  ];

  @property({ attribute: false }) balance?: Balance;
  @property({ attribute: false }) text!: CreditStrings;
  @property({ attribute: false }) format!: LocaleFormat;

  protected override updated(): void {
    announceThresholds(this, this.balance);
  }

  override render() {
    const alert = mostUrgentAlert(this.balance);
    // the live region stays in the page, so a banner that appears is announced
    return html`<div role="status" aria-live="polite">
      ${alert
        ? html`<p class="banner ${alertState(alert)}" part="banner">
            ${alert.kind === 'depleted'
              ? this.text.thresholdDepleted
              : alert.kind === 'addon_below'
                ? this.text.thresholdAddon(this.format.credits(alert.threshold))
                : this.text.thresholdMonthly(this.format.integer(alert.threshold))}
          </p>`
        : nothing}
    </div>`;
  }
}

if (!customElements.get('credit-threshold-banner')) customElements.define('credit-threshold-banner', CreditThresholdBanner);

declare global {
  interface HTMLElementTagNameMap {
    'credit-threshold-banner': CreditThresholdBanner;
  }
}
