import { css } from 'lit';

export const creditPurchaseStyles = css`
  :host {
    display: contents;
  }
  dialog {
    width: min(420px, calc(100vw - 32px));
    padding: 20px;
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    background: var(--_background);
    color: var(--_color);
    font: var(--_font);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  h2 {
    margin: 0 0 12px;
    font-size: 1.15em;
  }
  fieldset {
    margin: 0 0 12px;
    padding: 0;
    border: 0;
  }
  legend,
  label {
    display: block;
    margin-bottom: 4px;
    font-weight: 600;
  }
  .presets {
    display: flex;
    gap: 8px;
    margin-bottom: 8px;
  }
  .presets button {
    flex: 1;
  }
  .presets button[aria-pressed='true'] {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_accent-contrast);
  }
  input {
    font: inherit;
    color: inherit;
    background: var(--_background);
    padding: 6px 8px;
    border: 1px solid var(--_border-color);
    border-radius: calc(var(--_radius) - 2px);
  }
  .row {
    display: flex;
    gap: 8px;
  }
  .row input {
    flex: 1;
    min-width: 0;
  }
  .price {
    margin: 12px 0;
    font-variant-numeric: tabular-nums;
  }
  .price dl {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 4px 12px;
    margin: 0;
  }
  .price dd {
    margin: 0;
    text-align: right;
  }
  .total {
    font-weight: 700;
  }
  .note {
    color: var(--_muted-color);
    font-size: 0.9em;
  }
  .error {
    color: var(--_danger);
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 16px;
  }
`;
