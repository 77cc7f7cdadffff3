import { css } from 'lit';

/** The styles of what <credit-chat> loads lazily (the prompt editor, the comment form, the conversation list), adopted when loaded. */
export const chatFormsStyles = css`
  .edit-editor,
  .feedback-form {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin-top: 8px;
  }
  .edit-editor textarea,
  .feedback-form textarea,
  .rename-form input {
    font: inherit;
    color: inherit;
    background: var(--_background);
    border: 1px solid var(--_border-color);
    border-radius: calc(var(--_radius) - 2px);
    padding: 6px 8px;
    min-width: 0;
  }
  .edit-editor {
    min-width: min(100%, 320px);
  }
  .conversation-list {
    max-height: 50%;
    overflow-y: auto;
    padding: 8px 12px;
    border-bottom: 1px solid var(--_border-color);
    background: var(--_surface);
  }
  .conversation-list-header {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .conversation-list-header h3 {
    flex: 1;
    margin: 0;
    font-size: 1em;
  }
  .conversation-list ul {
    margin: 8px 0 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .conversation-list li {
    display: flex;
    align-items: center;
    gap: 4px;
  }
  .conversation-list li.current .open-conversation {
    font-weight: 600;
  }
  .open-conversation {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    padding: 4px 8px;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) - 2px);
    background: transparent;
    text-align: left;
  }
  .open-conversation:hover {
    border-color: var(--_border-color);
  }
  .conversation-title {
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .conversation-meta {
    color: var(--_muted-color);
    font-size: 0.85em;
  }
  .rename-form {
    display: flex;
    flex: 1;
    gap: 4px;
  }
  .rename-form input {
    flex: 1;
  }
`;
