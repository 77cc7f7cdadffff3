import { css } from 'lit';

export const creditAccountStyles = css`
  :host {
    display: block;
    background: var(--_background);
  }
  section {
    margin: 0 0 20px;
  }
  h2 {
    margin: 0 0 8px;
    font-size: 1.2em;
  }
  h3 {
    margin: 0 0 6px;
    font-size: 1em;
  }
  .total {
    font-size: 2em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .pools {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
    gap: 12px;
  }
  .pool {
    padding: 12px;
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .pool p {
    margin: 2px 0;
  }
  .note {
    color: var(--_muted-color);
    font-size: 0.9em;
  }
  .actions {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 4px 6px;
    border-bottom: 1px solid var(--_border-color);
    text-align: left;
  }
  td.n,
  th.n {
    text-align: right;
  }
  svg {
    width: 100%;
    height: 140px;
    display: block;
  }
  .bar {
    fill: var(--_accent);
  }
  .axis {
    fill: var(--_muted-color);
    font-size: 10px;
  }
  .breakdowns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(220px, 1fr));
    gap: 16px;
  }
  .error {
    color: var(--_danger);
  }
`;
