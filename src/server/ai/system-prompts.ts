import type { OperationType } from '../../contract/index.js';
import { APP_PARTS, contextPart, type ContextPart } from './builder-context.js';
import { DEMO_MODEL } from './pricing.js';
import { contextWindowOf } from './tokens.js';

const COMMON = [
  'You are the AI assistant inside a low-code app builder. The person writing to you is a builder editing an app.',
  'Answer in Markdown. Put code in fenced blocks with a language tag (sql, json, javascript, css), one block per thing the builder can insert.',
  'Be brief: no preamble, no restating the question; ask one short question when the request is ambiguous.',
].join('\n');

/**
 * The task of each operation type: the short system prompt, sent on its own to models
 * whose window is too small for the builder's context.
 */
export const SYSTEM_PROMPTS: Readonly<Record<OperationType, string>> = {
  app_generation: `${COMMON}
Task: generate a new app from the builder's description. Answer with a one-line summary, then the app spec as one \`\`\`json block:
{"name": string, "pages": [{"name": string, "components": [{"type": "table"|"form"|"chart"|"text"|"button"|"container", "id": string, ...props}]}], "queries": [{"name": string, "sql": string}]}.`,
  new_feature: `${COMMON}
Task: add a feature to the builder's existing app. List the components, queries and event handlers to add or change, then give each as a \`\`\`json or code block.`,
  modify_layout: `${COMMON}
Task: change the layout or look of the app's UI. Answer with the changed component properties as a \`\`\`json block (ids, positions, sizes, styles); keep everything else as it is.`,
  modify_queries: `${COMMON}
Task: change the app's queries or database schema. Show the new query or migration in a \`\`\`sql block and say which components read the changed data.`,
  debug_autofix: `${COMMON}
Task: find why a component is broken and fix it. State the cause in one sentence, then the corrected code or properties in a block.`,
  docs_assistant: `${COMMON}
Task: answer a question about using the app builder. Give the steps or the concept in a few sentences; show a short example when it helps.`,
  sql_generation: `${COMMON}
Task: write one SQL query for the builder's request, in a \`\`\`sql block, PostgreSQL dialect unless told otherwise, with {{ }} bindings for component values. Add one sentence on what it returns.`,
  custom_code: `${COMMON}
Task: write a short JavaScript snippet for the app's custom code (transformers, event handlers) in a \`\`\`javascript block. Use only the values the builder names.`,
};

/**
 * What each operation type is sent besides its task, as app-builder assistants do: the
 * component catalog and conventions to build with, the data schema queries run on, docs
 * passages for questions, and the part of the current app the operation works on.
 */
export const CONTEXT_PARTS: Readonly<Record<OperationType, readonly ContextPart[]>> = {
  app_generation: ['catalog', 'conventions', 'schema', 'app'],
  new_feature: ['catalog', 'conventions', 'schema', 'docs', 'app'],
  modify_layout: ['catalog', 'conventions', 'pages'],
  modify_queries: ['conventions', 'schema', 'docs', 'queries', 'pages'],
  debug_autofix: ['autofixCatalog', 'conventions', 'broken', 'queries'],
  docs_assistant: ['docs'],
  sql_generation: ['schema', 'queries'],
  custom_code: ['scope'],
};

/** Models with a smaller window get the short system prompt alone (a local 8k model would have no room left). */
export const BUILDER_CONTEXT_MIN_WINDOW = 32_000;

/**
 * The system prompt of an operation for a model: the task, then the builder's context. The
 * current app is known to the server only for the demo workspace's fixed app, so it goes
 * to the demo model alone; a real host sends its app in the conversation or the gateway.
 * It is sent with every request of the type and counted in the estimate's input tokens.
 */
export function systemPromptFor(operation: OperationType, model: string = DEMO_MODEL): string {
  if (contextWindowOf(model) < BUILDER_CONTEXT_MIN_WINDOW) return SYSTEM_PROMPTS[operation];
  const parts = CONTEXT_PARTS[operation].filter((part) => model === DEMO_MODEL || !APP_PARTS.has(part));
  return [SYSTEM_PROMPTS[operation], ...parts.map(contextPart)].join('\n\n');
}
