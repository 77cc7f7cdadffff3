import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CreditApiError } from '../../client/api-client.js';
import { QueryController } from '../../client/controllers.js';
import { balanceQueryOptions } from '../../client/query.js';
import type { Balance } from '../../contract/index.js';
import { requestCredits } from '../shared/buy-credits.js';
import { announceThresholds, thresholdState, type ThresholdState } from '../shared/threshold-state.js';
import { CreditElement } from '../shared/credit-element.js';
import { themeStyles } from '../shared/theme.styles.js';
import { creditBalanceStyles } from './credit-balance.styles.js';

/**
 * @tag credit-balance
 * @summary The AI credits icon with the combined balance (monthly + add-on); hovering or focusing
 * it opens the breakdown: monthly available of allocated and the renewal date, add-on available
 * and its valid-until date, credits held now, and a "Get AI credits" button.
 *
 * @slot icon - Replaces the credit icon.
 *
 * @event {CreditBuyEvent} credit-buy - The builder pressed "Get AI credits"; unless the host cancels it, `<credit-purchase>` opens.
 * @event {CreditThresholdEvent} credit-threshold - The balance shows a threshold crossed (`alerts` of `GET /balance`) this page had not announced.
 *
 * @csspart trigger - The button with the icon and the total.
 * @csspart total - The combined total.
 * @csspart breakdown - The panel with the breakdown.
 * @csspart buy-button - The "Get AI credits" button.
 * @csspart builder-limit - "your limit: 120 of 200 used", when a per-builder limit applies.
 *
 * @cssproperty --credit-chat-background - Background.
 * @cssproperty --credit-chat-color - Text color.
 * @cssproperty --credit-chat-muted-color - Secondary text (dates).
 * @cssproperty --credit-chat-border-color - Borders.
 * @cssproperty --credit-chat-accent - Icon, focus ring and the buy button.
 * @cssproperty --credit-chat-accent-contrast - Text on the accent color.
 * @cssproperty --credit-chat-warning-background - Background in the low-balance state.
 * @cssproperty --credit-chat-warning-color - Text and border in the low-balance state.
 * @cssproperty --credit-chat-radius - Corner radius.
 * @cssproperty --credit-chat-font - Font shorthand.
 *
 * @cssstate low - The total is at or below `low-threshold` (and the workspace's own key is not paying).
 *
 * The `state` attribute (`warning`, `critical`, `depleted`; absent otherwise) reflects the most
 * urgent threshold crossed this cycle: a monthly percent below 90, 90 % and above or the add-on
 * floor, the pool used up. A change of state is announced politely.
 */
export class CreditBalance extends CreditElement {
  static override styles = [themeStyles, creditBalanceStyles];

  /** The balance to show. When set, the element shows it and fetches nothing; when unset, it fetches `GET /balance` itself. */
  @property({ attribute: false }) balance?: Balance;

  /** At or below this total the element shows the low-balance state. */
  @property({ attribute: 'low-threshold', type: Number, reflect: true }) lowThreshold?: number;

  @state() private open = false;
  /** Escape closed the breakdown: hover and focus do not reopen it until the pointer or focus leave. */
  @state() private dismissed = false;
  @state() private announcement = '';

  private readonly internals = this.attachInternals();
  private readonly balanceQuery = new QueryController<Balance, CreditApiError>(
    this,
    () => this.resolvedQueryClient,
    () => ({ ...balanceQueryOptions(this.client), enabled: this.balance === undefined }),
  );
  private announcedTotal: number | undefined;
  private shownState: ThresholdState | null | undefined;

  /** The balance shown: the `balance` property, else the fetched one. */
  private get shownBalance(): Balance | undefined {
    return this.balance ?? this.balanceQuery.data;
  }

  private get isLow(): boolean {
    const balance = this.shownBalance;
    return !!balance && !balance.byok && this.lowThreshold !== undefined && balance.total <= this.lowThreshold;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const total = this.shownBalance?.total;
    if (total !== undefined && total !== this.announcedTotal) {
      // Announce changes, not the first value the element shows.
      if (this.announcedTotal !== undefined) this.announcement = this.text.balanceChanged(this.format.credits(total));
      this.announcedTotal = total;
    }
    if (this.isLow) this.internals.states.add('low');
    else this.internals.states.delete('low');
    const state = thresholdState(this.shownBalance);
    if (this.shownBalance && state !== this.shownState) {
      if (state) this.announcement = `${this.stateText(state)}. ${this.announcement}`.trim();
      this.shownState = state;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const state = this.shownState ?? null;
    if (state) this.setAttribute('state', state);
    else this.removeAttribute('state');
    announceThresholds(this, this.shownBalance);
  }

  private stateText(state: ThresholdState): string {
    const s = this.text;
    return state === 'depleted' ? s.stateDepleted : state === 'critical' ? s.stateCritical : s.stateWarning;
  }

  override render() {
    return html`<div
      class="balance"
      @mouseenter=${this.onPointerEnter}
      @mouseleave=${this.onPointerLeave}
      @focusin=${this.onFocusIn}
      @focusout=${this.onFocusOut}
      @keydown=${this.onKeyDown}
    >
      ${this.renderTrigger()} ${this.renderBreakdown()}
      <span class="sr-only" role="status">${this.announcement}</span>
    </div>`;
  }

  private renderTrigger() {
    const balance = this.shownBalance;
    const s = this.text;
    // The accessible name is the visible text plus hidden words: "1,234 AI credits low".
    let content;
    if (balance) {
      content = html`<span part="total">${this.format.credits(balance.total)}</span>
        <span class="sr-only">${s.creditsUnit}</span>
        ${this.shownState
          ? html`<span class="low-tag">${this.stateText(this.shownState)}</span>`
          : this.isLow
            ? html`<span class="low-tag">${s.balanceLow}</span>`
            : nothing}`;
    } else {
      content = html`<span part="total" aria-hidden="true">…</span>
        <span class="sr-only">${this.balanceQuery.result.isError ? s.balanceUnavailable : s.balanceLoading}</span>`;
    }
    return html`<button
      type="button"
      class="trigger"
      part="trigger"
      aria-expanded=${this.open ? 'true' : 'false'}
      aria-controls="breakdown"
      @click=${this.onTriggerClick}
    >
      <span class="icon" aria-hidden="true"><slot name="icon">${creditIcon}</slot></span>${content}
    </button>`;
  }

  private renderBreakdown() {
    const s = this.text;
    return html`<div id="breakdown" class="breakdown" part="breakdown" role="group" aria-labelledby="breakdown-title" ?hidden=${!this.open}>
      <h2 id="breakdown-title" class="breakdown-title">${s.breakdownTitle}</h2>
      ${this.renderPools()}
      <button type="button" class="primary-button buy-button" part="buy-button" @click=${this.onBuyClick}>${s.getCredits}</button>
    </div>`;
  }

  private renderPools() {
    const balance = this.shownBalance;
    const s = this.text;
    if (!balance) {
      const error = this.balanceQuery.result.error;
      return error ? html`<p class="error">${error.message}</p>` : html`<p>${s.balanceLoading}</p>`;
    }
    const f = this.format;
    return html`<dl>
        <div>
          <dt>${s.monthlyLabel}</dt>
          <dd>
            ${s.monthlyValue(f.credits(balance.monthly.available), f.credits(balance.monthly.allocated))}
            ${balance.monthly.renewsAt ? html`<span class="when">${s.renewsOn(f.date(balance.monthly.renewsAt))}</span>` : nothing}
          </dd>
        </div>
        <div>
          <dt>${s.addonLabel}</dt>
          <dd>
            ${f.credits(balance.addon.available)}
            ${balance.addon.expiresAt ? html`<span class="when">${s.validUntil(f.date(balance.addon.expiresAt))}</span>` : nothing}
          </dd>
        </div>
        <div>
          <dt>${s.heldLabel}</dt>
          <dd>${f.credits(balance.held)}</dd>
        </div>
      </dl>
      ${balance.builderLimit
        ? html`<p class="builder-limit" part="builder-limit">${s.yourLimit(f.credits(balance.builderLimit.used), f.credits(balance.builderLimit.credits))}</p>`
        : nothing}
      ${balance.byok ? html`<p class="byok">${s.byokActive}</p>` : nothing}`;
  }

  private onPointerEnter() {
    if (!this.dismissed) this.open = true;
  }

  private onPointerLeave() {
    // Focus inside keeps it open; leaving with the pointer re-arms hover after an Escape.
    this.dismissed = false;
    if (!this.matches(':focus-within')) this.open = false;
  }

  private onFocusIn() {
    if (!this.dismissed) this.open = true;
  }

  private onFocusOut(event: FocusEvent) {
    const next = event.relatedTarget as Node | null;
    if (next && this.shadowRoot!.contains(next)) return;
    this.dismissed = false;
    if (!this.matches(':hover')) this.open = false;
  }

  private onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Escape' || !this.open) return;
    event.stopPropagation();
    this.open = false;
    this.dismissed = true;
    this.shadowRoot!.querySelector<HTMLButtonElement>('.trigger')!.focus();
  }

  private onTriggerClick() {
    this.dismissed = false;
    this.open = true;
  }

  private onBuyClick() {
    requestCredits(this, 'credits');
  }
}

const creditIcon = html`<svg viewBox="0 0 16 16" fill="currentColor" focusable="false">
  <path d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 1.5a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11Z" />
  <path d="M8 4.2 9 6.8l2.6.2-2 1.7.6 2.6L8 9.9l-2.2 1.4.6-2.6-2-1.7L7 6.8Z" />
</svg>`;
