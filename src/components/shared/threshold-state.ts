import type { Balance, BalanceAlert } from '../../contract/ledger.js';
import { CreditThresholdEvent } from '../../events/credit-threshold.js';

/** How urgent a balance is, from the thresholds it has crossed this cycle. */
export type ThresholdState = 'warning' | 'critical' | 'depleted';

/** The state one alert stands for: depleted; 90 % and more or the add-on floor: critical; else warning. */
export function alertState(alert: BalanceAlert): ThresholdState {
  if (alert.kind === 'depleted') return 'depleted';
  if (alert.kind === 'addon_below' || alert.threshold >= 90) return 'critical';
  return 'warning';
}

const RANK: Record<ThresholdState, number> = { warning: 1, critical: 2, depleted: 3 };

/** The most urgent state of the balance's alerts; null without alerts (or when the builder's own key pays). */
export function thresholdState(balance: Balance | undefined): ThresholdState | null {
  if (!balance || balance.byok || !balance.alerts?.length) return null;
  return balance.alerts.map(alertState).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}

/** The most urgent alert (the newest of the most urgent state), for the banner. */
export function mostUrgentAlert(balance: Balance | undefined): BalanceAlert | null {
  const state = thresholdState(balance);
  if (!state) return null;
  return balance!.alerts!.filter((a) => alertState(a) === state).at(-1) ?? null;
}

/** The crossings this page has announced (one event per crossing, whichever element sees it first). */
const announced = new Set<string>();

/** Fires `credit-threshold` from `host` for each alert of the balance the page had not announced. */
export function announceThresholds(host: HTMLElement, balance: Balance | undefined): void {
  if (!balance || balance.byok) return;
  for (const alert of balance.alerts ?? []) {
    const key = `${alert.kind}:${alert.threshold}:${alert.crossedAt}`;
    if (announced.has(key)) continue;
    announced.add(key);
    host.dispatchEvent(new CreditThresholdEvent({ ...alert, state: alertState(alert) }));
  }
}
