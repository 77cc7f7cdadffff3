// The demo app builder: a host page embedding <credit-chat> and <credit-balance> the way a
// low-code builder would, and reacting to the widget's events.
import type { CreditBalance, CreditChat } from '../src/index.js';
import { emptyApp, freshId, parseStoredApp, readableSql, specChangeOf, type AppSpec } from './app-spec.js';
import { ByokPanel } from './byok-panel.js';
import { Canvas, COMPONENT_DRAG_TYPE } from './canvas.js';
import { byId, h } from './dom.js';
import { CodeEditor } from './editor.js';
import { PoolSync } from './pool-sync.js';
import { DemoStorage, loadSession, type DemoBuilder } from './session.js';
import { applyTheme, nextTheme, storedTheme, type ThemeChoice } from './theme.js';
import { toast } from './toast.js';

const chat = byId('chat', HTMLElement) as CreditChat;
const toolbarBalance = byId('toolbar-balance', HTMLElement) as CreditBalance;
const builderSelect = byId('builder-select', HTMLSelectElement);
const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

// ---- theme (before anything renders)
let theme: ThemeChoice = storedTheme();
applyTheme(theme, [chat, toolbarBalance, byId('settings-account', HTMLElement)]);
byId('theme-toggle', HTMLButtonElement).addEventListener('click', () => {
  theme = nextTheme(theme);
  applyTheme(theme, [chat, toolbarBalance, byId('settings-account', HTMLElement)]);
});

const session = await loadSession().catch((error: unknown) => {
  toast(`The demo server could not be reached: ${(error as Error).message}`, 'error');
  throw error;
});
const storage = new DemoStorage(session.workspaceId);
let builder: DemoBuilder = session.builders.find((b) => b.id === storage.get('builder')) ?? session.builders[0]!;
const token = () => builder.token;
/** provider and model of the latest answer, for the status bar */
let lastModel = '';

// ---- the widget: the builder's token; both elements share the page's QueryClient
// (The attribute, not the property: the elements read an attribute when they upgrade, while a
// property set before they are defined reaches them only after their first requests went out.)
function useToken(): void {
  chat.setAttribute('token', builder.token);
  toolbarBalance.setAttribute('token', builder.token);
  byId('settings-account', HTMLElement).setAttribute('token', builder.token);
}
useToken();
// Defined once the token is set, so the elements' first requests already carry it.
const { sharedQueryClient } = await import('../src/index.js');

// ---- app state: canvas, query editor, code panel; kept in localStorage
const saveState = byId('save-state', HTMLElement);
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function save(): void {
  saveState.textContent = 'Saving…';
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    storage.set('app', JSON.stringify(canvas.current));
    storage.set('editors', JSON.stringify({ query: [queryEditor.value, queryEditor.title], code: [codeEditor.value, codeEditor.language, codeEditor.title] }));
    saveState.textContent = 'Saved';
  }, 250);
}

const appName = byId('app-name', HTMLInputElement);
const canvas = new Canvas(parseStoredApp(storage.get('app')) ?? emptyApp(), {
  tabs: byId('page-tabs', HTMLElement),
  surface: byId('canvas-surface', HTMLElement),
  summary: byId('canvas-summary', HTMLElement),
  onChange: (app) => {
    showApp(app);
    save();
  },
});
appName.addEventListener('change', () => canvas.rename(appName.value.trim()));

const queryEditor = new CodeEditor(
  {
    textarea: byId('query-editor', HTMLTextAreaElement),
    gutter: byId('query-gutter', HTMLElement),
    language: byId('query-language', HTMLElement),
    title: byId('query-name', HTMLElement),
    clear: byId('query-clear', HTMLButtonElement),
  },
  save,
);
const codeEditor = new CodeEditor(
  {
    textarea: byId('code-editor', HTMLTextAreaElement),
    gutter: byId('code-gutter', HTMLElement),
    language: byId('code-language', HTMLElement),
    title: byId('code-name', HTMLElement),
    clear: byId('code-clear', HTMLButtonElement),
  },
  save,
);
restoreEditors();
showApp(canvas.current);

function restoreEditors(): void {
  try {
    const stored = JSON.parse(storage.get('editors') ?? 'null') as { query?: [string, string]; code?: [string, string, string] } | null;
    if (stored?.query) queryEditor.set(stored.query[0], 'sql', stored.query[1] || 'query1');
    if (stored?.code) codeEditor.set(stored.code[0], stored.code[1] || 'javascript', stored.code[2] || 'transformer');
  } catch {
    // nothing stored, or not ours: keep the empty editors
  }
}

/** The toolbar's app name and the panel's query list follow the app. */
function showApp(app: AppSpec): void {
  if (document.activeElement !== appName) appName.value = app.name;
  const list = byId('query-list', HTMLUListElement);
  if (app.queries.length === 0) {
    list.replaceChildren(h('li', { class: 'panel-empty' }, 'No queries yet. Generated apps bring theirs.'));
    return;
  }
  list.replaceChildren(
    ...app.queries.map((q) => {
      const button = h('button', { type: 'button', title: q.sql }, h('span', { class: 'query-icon', 'aria-hidden': 'true' }, 'SQL'), q.name);
      button.addEventListener('click', () => {
        queryEditor.set(readableSql(q.sql), 'sql', q.name);
        save();
        byId('query-editor', HTMLTextAreaElement).focus();
      });
      return h('li', {}, button);
    }),
  );
}

// ---- components panel: drag onto the canvas, or Enter / click to add
for (const item of byId('component-list', HTMLUListElement).querySelectorAll<HTMLButtonElement>('button[data-type]')) {
  const type = item.dataset.type!;
  item.addEventListener('dragstart', (event) => {
    event.dataTransfer?.setData(COMPONENT_DRAG_TYPE, type);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'copy';
  });
  item.addEventListener('click', () => {
    canvas.addComponent({ type, id: freshId(canvas.current, type) });
    toast(`Added a ${item.textContent?.trim().toLowerCase()} to ${canvas.page.name}.`);
  });
}

// ---- the widget's events
chat.addEventListener('credit-insert', (event) => {
  const { text, language } = event.detail;
  const lang = language.toLowerCase();
  if (lang === 'sql' || lang === 'postgresql' || lang === 'mysql') {
    queryEditor.set(text, 'sql', queryEditor.title || 'query1');
    toast('SQL inserted into the query editor.');
  } else if (lang === 'json') {
    insertJson(text);
  } else {
    codeEditor.set(text, lang || 'text', lang === 'javascript' || lang === 'js' || lang === 'typescript' || lang === 'ts' ? 'transformer' : 'snippet');
    toast('Code inserted into the code panel.');
  }
  save();
});

function insertJson(text: string): void {
  const change = specChangeOf(text);
  switch (change.kind) {
    case 'app': {
      canvas.setApp(change.app);
      const components = change.app.pages.reduce((n, p) => n + p.components.length, 0);
      const first = change.app.queries[0];
      if (first) queryEditor.set(readableSql(first.sql), 'sql', first.name);
      toast(`Drew “${change.app.name}”: ${change.app.pages.length} pages, ${components} components, ${change.app.queries.length} queries.`);
      break;
    }
    case 'component':
      canvas.addComponent(change.component);
      toast(`Added ${change.component.type} “${change.component.id}” to ${canvas.page.name}.`);
      break;
    case 'layout':
      canvas.setColumns(change.columns);
      toast(`Layout of ${change.target}: ${change.columns} column${change.columns === 1 ? '' : 's'}.`);
      break;
    case 'not-a-spec':
      codeEditor.set(text, 'json', 'config');
      toast('JSON inserted into the code panel.');
  }
}

const pool = new PoolSync(sharedQueryClient(), (change) => {
  if (change === 'purchase') toast('Credits were added in another tab: the balance is updated.');
  if (change === 'byok') void updateProviderStatus();
});

chat.addEventListener('credit-debited', (event) => {
  void pool.changed('debit');
  const usage = event.detail.receipt.usage;
  if (usage) lastModel = `${usage.provider} · ${usage.model}`;
  void updateProviderStatus();
});
chat.addEventListener('credit-insufficient', (event) => {
  toast(`Not enough AI credits: this needs up to ${numbers.format(event.detail.needed)}, ${numbers.format(event.detail.available)} available.`, 'error');
});
chat.addEventListener('credit-error', (event) => {
  if (event.detail.code !== 'insufficient_credits') console.info('credit-chat:', event.detail.code, event.detail.message);
});

const byokPanel = new ByokPanel({
  token,
  onChanged: () => {
    void pool.changed('byok');
    void updateProviderStatus();
  },
});

/**
 * `credit-buy` comes from the chat, the toolbar's balance and the settings' account panel. For
 * credits the demo lets the widget open <credit-purchase> (the offline demo gateway takes the
 * payment); for the own-key option it opens its settings.
 */
function onBuy(event: HTMLElementEventMap['credit-buy']): void {
  const opener = (event.composedPath()[0] as HTMLElement | undefined) ?? null;
  if (event.detail.option === 'own-key') void byokPanel.open(opener);
}
chat.addEventListener('credit-buy', onBuy);
toolbarBalance.addEventListener('credit-buy', onBuy);
byId('get-credits', HTMLButtonElement).addEventListener('click', () => {
  void import('../src/credit-purchase.js').then((m) => m.openCreditPurchase(toolbarBalance));
});
byId('open-settings', HTMLButtonElement).addEventListener('click', (event) => {
  void import('../src/credit-account.js');
  void byokPanel.open(event.currentTarget as HTMLElement);
});

// ---- builders: one workspace, one credit pool, a token each
// The builder's conversations (list, rename, delete, the one open after a reload) live in <credit-chat> itself.
chat.addEventListener('credit-feedback', (event) => {
  toast(event.detail.comment ? 'Thanks: your comment is kept with the answer.' : `Rated ${event.detail.rating === 'up' ? '👍' : '👎'}: kept with the answer.`);
});

builderSelect.replaceChildren(...session.builders.map((b) => h('option', { value: b.id, selected: b.id === builder.id }, b.name)));
renderAvatars();
builderSelect.addEventListener('change', () => {
  const next = session.builders.find((b) => b.id === builderSelect.value);
  if (!next || next.id === builder.id) return;
  chat.stop();
  builder = next;
  storage.set('builder', builder.id);
  useToken();
  renderAvatars();
  toast(`Signed in as ${builder.name}. Same workspace, same credit pool: the balance is shared, the conversations are ${builder.name}’s.`);
});

function renderAvatars(): void {
  byId('avatar-stack', HTMLElement).replaceChildren(
    ...session.builders.map((b) => h('span', { class: `avatar avatar-${b.id}${b.id === builder.id ? ' current' : ''}`, title: b.name }, b.name.charAt(0))),
  );
}

// ---- status bar
byId('status-workspace', HTMLElement).textContent = `Workspace ${session.workspaceId.slice(0, 12)}… · ${session.builders.length} builders share one credit pool`;
async function updateProviderStatus(): Promise<void> {
  const status = await byokPanel.fetchStatus();
  const label = byId('status-provider', HTMLElement);
  label.classList.toggle('byok', !!status?.enabled);
  if (status?.enabled) label.textContent = `Own ${status.provider} key ${status.keyHint ?? ''}: no credits debited`;
  else label.textContent = lastModel ? `Last answer: ${lastModel}` : 'AI provider: the server’s (AI_PROVIDER)';
}
void updateProviderStatus();

document.documentElement.dataset.ready = 'true';
