import { css } from 'lit';

/**
 * What the element's first frame shows (the panel, the header's title and the loading line):
 * the shell adopts only this and the theme, the rest is parsed at the first update.
 */
export const creditChatShellStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: var(--credit-chat-height, 600px);
    min-height: 320px;
    overflow: hidden;
    background: var(--_background);
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
  }
  .header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    border-bottom: 1px solid var(--_border-color);
  }
  .title {
    flex: 1;
    margin: 0;
    font-size: 1.05em;
  }
  .loading,
  .load-error {
    margin: 0;
    padding: 16px;
  }
`;

export const creditChatStyles = css`
  .byok-badge {
    padding: 2px 8px;
    border-radius: 999px;
    background: var(--_surface);
    border: 1px solid var(--_border-color);
    font-size: 0.85em;
  }
  .load-error {
    color: var(--_danger);
  }
  .load-error p {
    margin: 0 0 8px;
  }
  .messages-frame {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .jump-to-latest {
    position: absolute;
    bottom: 8px;
    left: 50%;
    transform: translateX(-50%);
    border-radius: 999px;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
  }
  .message-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px;
    margin-top: 6px;
    font-size: 0.85em;
  }
  .message.user .message-actions {
    justify-content: flex-end;
  }
  .action,
  .icon-button {
    padding: 2px 8px;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) - 2px);
    background: transparent;
    color: var(--_muted-color);
  }
  .action:hover,
  .icon-button:hover,
  .action[aria-pressed='true'] {
    border-color: var(--_border-color);
    color: var(--_color);
  }
  .action[aria-pressed='true'] {
    background: var(--_background);
  }
  .versions {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    color: var(--_muted-color);
    font-variant-numeric: tabular-nums;
  }
  .regenerate-confirm,
  .edit-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin-top: 8px;
  }
  .regenerate-estimate {
    flex: 1;
    color: var(--_muted-color);
  }
  .messages {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 12px;
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .messages.pinned > :not(:last-child) {
    overflow-anchor: none;
  }
  .show-earlier {
    align-self: center;
  }
  .empty {
    margin: auto 0;
    text-align: center;
  }
  .empty-title {
    margin: 0 0 4px;
    font-size: 1.1em;
  }
  .empty p {
    margin: 0 0 12px;
    color: var(--_muted-color);
  }
  .suggestions {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .suggestion {
    width: 100%;
    padding: 8px 12px;
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    background: var(--_surface);
    text-align: start;
  }
  .message {
    max-width: 100%;
    padding: 8px 12px;
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .message.user {
    align-self: flex-end;
    max-width: 85%;
    background: var(--_user-background);
  }
  .message.assistant {
    background: var(--_surface);
    border: 1px solid var(--_border-color);
  }
  .prompt {
    margin: 0;
    white-space: pre-wrap;
  }
  .thinking,
  .outcome-note {
    margin: 0;
    color: var(--_muted-color);
  }
  .receipt {
    margin: 8px 0 0;
    padding-top: 6px;
    border-top: 1px dashed var(--_border-color);
    color: var(--_muted-color);
    font-size: 0.85em;
    font-variant-numeric: tabular-nums;
  }
  .failure {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin-top: 8px;
    color: var(--_danger);
  }
  .failure p {
    flex: 1;
    margin: 0;
  }
  /* Blocks of an answer and messages out of view skip layout and paint: a long answer or
     conversation costs per frame what is on screen, not what came before. */
  .message:not(:last-child) {
    content-visibility: auto;
    contain-intrinsic-size: auto 3em;
  }
  .notice {
    margin: 0 12px 8px;
    padding: 8px 12px;
    border-radius: var(--_radius);
    background: var(--_warning-background);
    color: var(--_warning-color);
  }
  .notice p {
    margin: 0;
  }
  .notice-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-top: 8px;
  }
  .composer {
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 8px 12px 12px;
    border-top: 1px solid var(--_border-color);
  }
  .composer-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
  }
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_background);
    border: 1px solid var(--_border-color);
    border-radius: calc(var(--_radius) - 2px);
  }
  select {
    max-width: 100%;
    padding: 4px 6px;
  }
  textarea {
    width: 100%;
    padding: 8px;
    resize: vertical;
  }
  textarea::placeholder {
    color: var(--_muted-color);
  }
  .estimate {
    color: var(--_muted-color);
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
  }
  .estimate.over {
    color: var(--_danger);
  }
  .composer-actions {
    display: flex;
    justify-content: flex-end;
  }
`;
