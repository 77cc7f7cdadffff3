import { css } from 'lit';

export const creditMarkdownStyles = css`
  :host {
    display: block;
    overflow-wrap: anywhere;
  }
  /* Blocks out of view skip layout and paint: a long answer costs per frame what is on screen. */
  .markdown > * {
    content-visibility: auto;
    contain-intrinsic-size: auto 3em;
  }
  .markdown > :first-child {
    margin-top: 0;
  }
  .markdown > :last-child {
    margin-bottom: 0;
  }
  .markdown a {
    color: var(--_accent);
  }
  .markdown code {
    font: var(--_code-font);
    background: var(--_code-background);
    padding: 0 3px;
    border-radius: 4px;
  }
  .markdown table {
    border-collapse: collapse;
  }
  .markdown th,
  .markdown td {
    padding: 4px 8px;
    border: 1px solid var(--_border-color);
  }
  .markdown blockquote {
    margin: 8px 0;
    padding-inline-start: 12px;
    border-inline-start: 3px solid var(--_border-color);
    color: var(--_muted-color);
  }
  .code-block {
    margin: 8px 0;
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    background: var(--_code-background);
    overflow: hidden;
  }
  .code-header {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 4px 8px;
    border-bottom: 1px solid var(--_border-color);
  }
  .code-language {
    flex: 1;
    color: var(--_muted-color);
    font-size: 0.85em;
  }
  .code-header button {
    padding: 2px 8px;
    border: 1px solid var(--_border-color);
    border-radius: 4px;
    background: var(--_background);
    font-size: 0.85em;
  }
  .code-block pre {
    margin: 0;
    padding: 8px;
    overflow-x: auto;
  }
  .code-block code {
    padding: 0;
    background: none;
  }
  .markdown .inert-link {
    text-decoration: underline dotted;
  }
  .markdown .raw-html {
    white-space: pre-wrap;
  }
  .markdown li > input {
    margin: 0 4px 0 0;
    vertical-align: middle;
  }
`;
