import type { BalanceAlert } from '../contract/ledger.js';
import { CreditEvent } from './credit-event.js';

export interface CreditThresholdDetail {
  /** `monthly_percent` (threshold: percent of the monthly credits used), `addon_below` (credits) or `depleted` */
  kind: BalanceAlert['kind'];
  threshold: number;
  /** when the server saw the crossing (ISO 8601) */
  crossedAt: string;
  /** the balance's state now that the threshold is crossed */
  state: 'warning' | 'critical' | 'depleted';
}

/**
 * Fired once per page when a balance (`GET /balance` `alerts`) shows a threshold crossed that
 * this page had not announced yet: the first element that sees it fires it.
 */
export class CreditThresholdEvent extends CreditEvent<CreditThresholdDetail> {
  constructor(detail: CreditThresholdDetail) {
    super('credit-threshold', detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'credit-threshold': CreditThresholdEvent;
  }
}
