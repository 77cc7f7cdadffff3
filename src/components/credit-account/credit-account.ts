import { html, nothing, svg, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { accountApi } from '../../client/account-client.js';
import type { CreditApiError } from '../../client/api-client.js';
import { QueryController } from '../../client/controllers.js';
import { balanceQueryOptions } from '../../client/query.js';
import type { AccountLicense, Balance, BuilderLimits, Purchase, UsageSummary } from '../../contract/index.js';
import { requestCredits } from '../shared/buy-credits.js';
import { CreditElement } from '../shared/credit-element.js';
import { themeStyles } from '../shared/theme.styles.js';
import { formatMoney } from '../credit-purchase/credit-purchase.js';
import { creditAccountStyles } from './credit-account.styles.js';

interface AccountData {
  license: AccountLicense;
  purchases: Purchase[];
  byDay: UsageSummary;
  byOperation: UsageSummary;
  byBuilder: UsageSummary;
  /** per-builder limits: every builder for a billing token, else the caller's own row */
  limits: BuilderLimits | null;
}

/**
 * @tag credit-account
 * @summary The AI credits settings panel: the pooled total; monthly credits allocated, used and
 * available with the renewal date; add-on credits available with their valid-until date and the
 * purchases that set it; credits held now; this cycle's usage per day as a chart (with a table
 * for screen readers), by operation type and by builder; per-builder limits (used, limit, %:
 * every builder for a token with the billing role, else the builder's own row); license
 * changes; "Download CSV" and "Get AI credits".
 *
 * @event {CreditBuyEvent} credit-buy - "Get AI credits" was pressed; unless the host cancels it, `<credit-purchase>` opens.
 *
 * @csspart chart - The usage chart.
 * @csspart buy-button - "Get AI credits".
 * @csspart csv-button - "Download CSV".
 *
 * @cssproperty --credit-chat-background - Background.
 * @cssproperty --credit-chat-surface - Background of the pools.
 * @cssproperty --credit-chat-accent - Chart bars and buttons.
 * @cssproperty --credit-chat-muted-color - Dates and axis labels.
 */
export class CreditAccount extends CreditElement {
  static override styles = [themeStyles, creditAccountStyles];

  @state() private data?: AccountData;
  @state() private error = '';

  private readonly balanceQuery = new QueryController<Balance, CreditApiError>(
    this,
    () => this.resolvedQueryClient,
    () => balanceQueryOptions(this.client),
  );
  private loadedFor = '';
  private loadedAsOf = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // again when the API or the balance changed (a purchase, an operation in another tab)
    const scope = this.client.scope;
    const asOf = this.balanceQuery.data?.asOf ?? '';
    if (scope !== this.loadedFor || (asOf && asOf !== this.loadedAsOf)) {
      this.loadedFor = scope;
      this.loadedAsOf = asOf;
      void this.load();
    }
  }

  /** Loads the license, purchases and this cycle's usage again. */
  async load(): Promise<void> {
    try {
      const client = this.client;
      const [license, purchases, limits] = await Promise.all([
        accountApi.license(client),
        accountApi.purchases(client),
        accountApi.builderLimits(client).catch(() => null),
      ]);
      const { start, end } = license.cycle;
      const [byDay, byOperation, byBuilder] = await Promise.all(
        (['day', 'operation', 'builder'] as const).map((g) => accountApi.summary(client, start, end, g)),
      );
      this.data = { license, purchases: purchases.purchases, byDay, byOperation, byBuilder, limits };
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  override render() {
    const balance = this.balanceQuery.data;
    return html`<section aria-labelledby="pool-title">
        <h2 id="pool-title">AI credits</h2>
        ${balance ? this.renderBalance(balance) : html`<p role="status">${this.balanceQuery.result.error?.message ?? 'Loading…'}</p>`}
        <div class="actions">
          <button type="button" class="primary-button" part="buy-button" @click=${() => requestCredits(this, 'credits')}>Get AI credits</button>
          <button type="button" class="secondary-button" part="csv-button" ?disabled=${!this.data} @click=${this.downloadCsv}>Download CSV</button>
        </div>
      </section>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.data ? this.renderDetails(this.data, balance) : nothing}`;
  }

  private renderBalance(b: Balance) {
    const f = this.format;
    const used = Math.max(0, Math.round((b.monthly.allocated - b.monthly.available) * 1000) / 1000);
    return html`<p><span class="total">${f.credits(b.total)}</span> credits available in the pool</p>
      <div class="pools">
        <div class="pool">
          <h3>Monthly</h3>
          <p>${f.credits(b.monthly.available)} available of ${f.credits(b.monthly.allocated)}</p>
          <p>${f.credits(used)} used this cycle (with ${f.credits(b.held)} held now)</p>
          ${b.monthly.renewsAt ? html`<p class="note">Renews on ${f.date(b.monthly.renewsAt)}</p>` : nothing}
        </div>
        <div class="pool">
          <h3>Add-on</h3>
          <p>${f.credits(b.addon.available)} available</p>
          ${b.addon.expiresAt ? html`<p class="note">Valid until ${f.date(b.addon.expiresAt)}</p>` : nothing}
        </div>
        <div class="pool">
          <h3>Held now</h3>
          <p>${f.credits(b.held)} reserved by operations in progress</p>
        </div>
      </div>`;
  }

  private renderDetails(d: AccountData, balance: Balance | undefined) {
    const f = this.format;
    const paid = d.purchases.filter((p) => p.status === 'paid');
    const change = d.license.changes[0];
    return html`${change
        ? html`<section aria-labelledby="license-title">
            <h2 id="license-title">License</h2>
            <p>
              ${f.date(change.at)}: ${change.from ? `${change.from.builders} builders × ${f.credits(change.from.creditsPerBuilder)}` : ''} →
              ${change.to.builders} builders × ${f.credits(change.to.creditsPerBuilder)} credits a month.
              ${change.effective === 'now'
                ? `${f.credits(change.prorated)} credits were added at once for the rest of this cycle.`
                : `Takes effect when the next cycle starts${balance?.monthly.renewsAt ? ` on ${f.date(balance.monthly.renewsAt)}` : ''}.`}
            </p>
          </section>`
        : nothing}
      <section aria-labelledby="usage-title">
        <h2 id="usage-title">This cycle's usage</h2>
        <p class="note">${f.date(d.license.cycle.start)} – ${f.date(d.license.cycle.end)}: ${f.credits(d.byDay.total.credits)} credits in ${f.integer(d.byDay.total.operations)} operations</p>
        ${this.renderChart(d.byDay)}
        <div class="breakdowns">
          ${this.renderBreakdown('By operation type', d.byOperation)} ${this.renderBreakdown('By builder', d.byBuilder)}
        </div>
      </section>
      ${this.renderLimits(d.limits)}
      <section aria-labelledby="purchases-title">
        <h2 id="purchases-title">Purchases</h2>
        ${d.purchases.length === 0
          ? html`<p class="note">No purchases yet.</p>`
          : html`<table>
              <caption class="sr-only">Purchases of add-on credits</caption>
              <thead><tr><th>Date</th><th class="n">Credits</th><th class="n">Amount</th><th>Status</th><th>Valid until</th></tr></thead>
              <tbody>
                ${d.purchases.map(
                  (p) => html`<tr>
                    <td>${f.date(p.createdAt)}</td>
                    <td class="n">${f.integer(p.credits)}</td>
                    <td class="n">${formatMoney(p.amount, p.currency, this.locale)}</td>
                    <td>${p.status}</td>
                    <td>${p.grant ? f.date(p.grant.validUntil) : '—'}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
            ${paid.length ? html`<p class="note">The latest paid purchase sets the validity of all add-on credits.</p>` : nothing}`}
      </section>`;
  }

  private renderLimits(limits: BuilderLimits | null) {
    const rows = limits?.builders.filter((b) => b.limit) ?? [];
    if (rows.length === 0) return nothing;
    const f = this.format;
    return html`<section aria-labelledby="limits-title">
      <h2 id="limits-title">Builder limits</h2>
      <table part="builder-limits">
        <thead><tr><th>Builder</th><th class="n">Used</th><th class="n">Limit</th><th class="n">%</th><th>When reached</th></tr></thead>
        <tbody>
          ${rows.map((b) => {
            const limit = b.limit!;
            const percent = limit.credits > 0 ? Math.round((b.used / limit.credits) * 100) : 100;
            return html`<tr>
              <td>${b.builder}</td>
              <td class="n">${f.credits(b.used)}</td>
              <td class="n">${f.credits(limit.credits)}</td>
              <td class="n">${f.integer(percent)} %</td>
              <td>${limit.mode === 'block' ? 'blocked' : 'alert only'}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </section>`;
  }

  private renderChart(summary: UsageSummary) {
    const f = this.format;
    const groups = summary.groups;
    const max = Math.max(1, ...groups.map((g) => g.credits));
    const width = 100 / Math.max(groups.length, 1);
    return html`<svg part="chart" viewBox="0 0 100 60" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        ${groups.map((g, i) => {
          const h = (g.credits / max) * 50;
          return svg`<rect class="bar" x=${i * width + width * 0.15} y=${52 - h} width=${width * 0.7} height=${h}></rect>`;
        })}
        ${groups.length
          ? svg`<text class="axis" x="0" y="59" font-size="4">${groups[0]!.key.slice(5)}</text>
              <text class="axis" x="100" y="59" font-size="4" text-anchor="end">${groups.at(-1)!.key.slice(5)}</text>`
          : nothing}
      </svg>
      <table class="sr-only">
        <caption>Credits used per day this cycle</caption>
        <thead><tr><th>Day</th><th>Credits</th><th>Operations</th></tr></thead>
        <tbody>
          ${groups.map((g) => html`<tr><td>${g.key}</td><td>${f.credits(g.credits)}</td><td>${f.integer(g.operations)}</td></tr>`)}
        </tbody>
      </table>`;
  }

  private renderBreakdown(title: string, summary: UsageSummary) {
    const f = this.format;
    return html`<div>
      <h3>${title}</h3>
      ${summary.groups.length === 0
        ? html`<p class="note">No usage yet.</p>`
        : html`<table>
            <thead><tr><th>${summary.groupBy === 'operation' ? 'Operation' : 'Builder'}</th><th class="n">Credits</th><th class="n">Operations</th></tr></thead>
            <tbody>
              ${summary.groups.map((g) => html`<tr><td>${g.key}</td><td class="n">${f.credits(g.credits)}</td><td class="n">${f.integer(g.operations)}</td></tr>`)}
            </tbody>
          </table>`}
    </div>`;
  }

  private async downloadCsv() {
    const cycle = this.data?.license.cycle;
    if (!cycle) return;
    try {
      const blob = await accountApi.csv(this.client, cycle.start, cycle.end);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `credit-usage-${cycle.start.slice(0, 10)}.csv`;
      link.click();
      // the browser reads the file after click() returns: let the URL live a while
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      this.error = (err as Error).message;
    }
  }
}
