import { css } from 'lit';

export const creditBalanceStyles = css`
  :host {
    display: inline-block;
    position: relative;
  }
  .trigger {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 4px 10px;
    border: 1px solid var(--_border-color);
    border-radius: 999px;
    background: var(--_background);
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .icon {
    display: inline-flex;
    color: var(--_accent);
  }
  .icon svg {
    width: 16px;
    height: 16px;
  }
  :host(:state(low)) .trigger {
    border-color: var(--_warning-color);
    background: var(--_warning-background);
    color: var(--_warning-color);
  }
  :host([state='warning']) .trigger,
  :host([state='critical']) .trigger {
    border-color: var(--_warning-color);
    background: var(--_warning-background);
    color: var(--_warning-color);
  }
  :host([state='critical']) .trigger {
    border-width: 2px;
  }
  :host([state='depleted']) .trigger {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .builder-limit {
    margin: 8px 0 0;
  }
  :host([state]) .icon,
  :host(:state(low)) .icon {
    color: inherit;
  }
  .low-tag {
    font-size: 0.8em;
    font-weight: 600;
    text-transform: uppercase;
  }
  .breakdown {
    position: absolute;
    z-index: 10;
    top: calc(100% + 6px);
    inset-inline-end: 0;
    min-width: 260px;
    padding: 12px;
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    background: var(--_background);
    color: var(--_color);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.16);
  }
  .breakdown[hidden] {
    display: none;
  }
  .breakdown-title {
    margin: 0 0 8px;
    font-size: 1em;
  }
  dl {
    display: grid;
    gap: 8px;
    margin: 0 0 12px;
  }
  dl > div {
    display: flex;
    justify-content: space-between;
    gap: 12px;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .when {
    display: block;
    color: var(--_muted-color);
    font-size: 0.9em;
  }
  .byok {
    margin: 0 0 12px;
  }
  .error {
    margin: 0 0 12px;
    color: var(--_danger);
  }
  .buy-button {
    width: 100%;
  }
`;
