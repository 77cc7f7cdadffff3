import { css, unsafeCSS } from 'lit';

/**
 * The palette: each `--credit-chat-<name>` custom property, with its light and dark default.
 * Components read the private `--_<name>`, so a host's value wins in both themes.
 */
const PALETTE: Record<string, [light: string, dark: string]> = {
  background: ['#ffffff', '#0d1117'],
  color: ['#1f2328', '#e6edf3'],
  'muted-color': ['#59636e', '#9198a1'],
  'border-color': ['#d1d9e0', '#3d444d'],
  surface: ['#f6f8fa', '#151b23'],
  accent: ['#0969da', '#4493f8'],
  'accent-contrast': ['#ffffff', '#0d1117'],
  danger: ['#b42318', '#ff7b72'],
  'warning-background': ['#fff8c5', '#2e2410'],
  'warning-color': ['#6c4a00', '#e3b341'],
  'code-background': ['#f6f8fa', '#151b23'],
  'user-background': ['#ddf4ff', '#0c2d6b'],
};

function palette(index: 0 | 1) {
  return unsafeCSS(
    Object.entries(PALETTE)
      .map(([name, values]) => `--_${name}: var(--credit-chat-${name}, ${values[index]});`)
      .join(''),
  );
}

const dark = palette(1);

export const themeStyles = css`
  :host {
    ${palette(0)}
    color-scheme: light;
    --_radius: var(--credit-chat-radius, 8px);
    --_font: var(--credit-chat-font, 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif);
    --_code-font: var(--credit-chat-code-font, 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font: var(--_font);
    color: var(--_color);
  }
  :host([theme='dark']) {
    ${dark}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
      color-scheme: dark;
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .primary-button {
    padding: 6px 14px;
    border: 1px solid var(--_accent);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_accent);
    color: var(--_accent-contrast);
    font-weight: 600;
  }
  .secondary-button {
    padding: 6px 14px;
    border: 1px solid var(--_border-color);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_background);
  }
`;
