// The canvas: the app's pages as tabs, each page's components drawn as boxes with a preview of
// what they would show. Components come from the assistant's app specs or are dragged in (or
// added with Enter) from the components panel.
import { freshId, type AppSpec, type ComponentSpec, type PageSpec } from './app-spec.js';
import { h, svg } from './dom.js';

export const COMPONENT_DRAG_TYPE = 'application/x-credit-chat-demo-component';

/** Columns of the page's 12-column grid a component takes (divided by a layout's column count). */
const SPANS: Record<string, number> = { table: 12, container: 12, text: 12, chart: 6, form: 6, textinput: 6, input: 6, select: 6, button: 4 };

export interface CanvasOptions {
  tabs: HTMLElement;
  surface: HTMLElement;
  /** says how many components the page has */
  summary: HTMLElement;
  /** called after every change the builder makes on the canvas */
  onChange: (app: AppSpec) => void;
}

export class Canvas {
  private app: AppSpec;
  private pageIndex = 0;

  constructor(
    app: AppSpec,
    private readonly options: CanvasOptions,
  ) {
    this.app = app;
    const { surface } = options;
    surface.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes(COMPONENT_DRAG_TYPE)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      surface.classList.add('drop-target');
    });
    surface.addEventListener('dragleave', (event) => {
      if (!surface.contains(event.relatedTarget as Node | null)) surface.classList.remove('drop-target');
    });
    surface.addEventListener('drop', (event) => {
      surface.classList.remove('drop-target');
      const type = event.dataTransfer?.getData(COMPONENT_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      this.addComponent({ type, id: freshId(this.app, type) });
    });
    this.render();
  }

  get current(): AppSpec {
    return this.app;
  }

  get page(): PageSpec {
    return this.app.pages[this.pageIndex] ?? this.app.pages[0]!;
  }

  /** Replaces the whole app (an inserted app spec) and shows its first page. */
  setApp(app: AppSpec): void {
    this.app = app;
    this.pageIndex = 0;
    this.changed();
  }

  rename(name: string): void {
    this.app.name = name || 'Untitled app';
    this.options.onChange(this.app);
  }

  /** Adds a component to the page shown (replacing one with the same id). */
  addComponent(component: ComponentSpec): void {
    const page = this.page;
    const at = page.components.findIndex((c) => c.id === component.id);
    if (at >= 0) page.components[at] = component;
    else page.components.push(component);
    this.changed();
    this.options.surface.querySelector<HTMLElement>(`[data-component-id="${CSS.escape(component.id)}"]`)?.focus();
  }

  setColumns(columns: number): void {
    this.page.columns = columns;
    this.changed();
  }

  private removeComponent(id: string): void {
    this.page.components = this.page.components.filter((c) => c.id !== id);
    this.changed();
    this.options.surface.focus();
  }

  private changed(): void {
    this.render();
    this.options.onChange(this.app);
  }

  private render(): void {
    this.renderTabs();
    this.renderPage();
  }

  private renderTabs(): void {
    const tabs = this.app.pages.map((page, index) => {
      const selected = index === this.pageIndex;
      const tab = h('button', { type: 'button', role: 'tab', class: 'page-tab', 'aria-selected': String(selected), 'aria-controls': 'canvas-surface', tabindex: selected ? 0 : -1 }, page.name);
      tab.addEventListener('click', () => this.showPage(index));
      tab.addEventListener('keydown', (event) => {
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        event.preventDefault();
        this.showPage((index + step + this.app.pages.length) % this.app.pages.length);
        this.options.tabs.querySelector<HTMLElement>('[aria-selected="true"]')?.focus();
      });
      return tab;
    });
    this.options.tabs.replaceChildren(...tabs);
  }

  private showPage(index: number): void {
    this.pageIndex = index;
    this.render();
  }

  private renderPage(): void {
    const { surface } = this.options;
    const page = this.page;
    surface.style.setProperty('--page-columns', String(page.columns ?? 1));
    surface.setAttribute('aria-label', `${page.name} page of ${this.app.name}`);
    const count = page.components.length;
    this.options.summary.textContent = `${count} component${count === 1 ? '' : 's'} · ${page.columns ?? 1} column${page.columns && page.columns > 1 ? 's' : ''}`;
    if (page.components.length === 0) {
      surface.replaceChildren(
        h(
          'div',
          { class: 'canvas-empty' },
          h('p', { class: 'canvas-empty-title' }, 'This page is empty'),
          h('p', {}, 'Drag a component here from the panel on the left, or ask the assistant: pick “App generation” and describe your app, then press Insert on its answer.'),
        ),
      );
      return;
    }
    surface.replaceChildren(...page.components.map((c) => this.box(c)));
  }

  private box(component: ComponentSpec): HTMLElement {
    const remove = h('button', { type: 'button', class: 'box-remove', 'aria-label': `Remove ${component.id}`, title: 'Remove' }, '×');
    remove.addEventListener('click', () => this.removeComponent(component.id));
    const span = Math.max(2, Math.round((SPANS[component.type] ?? 6) / (this.page.columns ?? 1)));
    return h(
      'article',
      { class: `box box-${component.type}`, style: `grid-column: span ${span}`, tabindex: 0, 'data-component-id': component.id, 'aria-label': `${component.type} ${component.id}` },
      h('header', { class: 'box-header' }, h('span', { class: 'box-type' }, component.type), h('span', { class: 'box-id' }, component.id), remove),
      preview(component),
    );
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 8) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** What the component would look like, drawn with plain elements (hidden from screen readers: the box's label says what it is). */
function preview(component: ComponentSpec): HTMLElement {
  const body = h('div', { class: 'box-preview', 'aria-hidden': 'true' });
  switch (component.type) {
    case 'table': {
      const columns = strings(component.columns);
      const heads = columns.length ? columns : ['id', 'name', 'status'];
      const row = (cells: HTMLElement[]) => h('div', { class: 'mock-row' }, ...cells);
      body.append(
        h('div', { class: 'mock-table', style: `--cols:${heads.length}` }, row(heads.map((c) => h('span', { class: 'mock-th' }, c))), ...[0, 1, 2].map(() => row(heads.map(() => h('span', { class: 'mock-td' }))))),
      );
      const data = str(component.data);
      if (data) body.append(h('p', { class: 'mock-binding' }, data));
      break;
    }
    case 'form': {
      const fields = strings(component.fields);
      for (const field of fields.length ? fields : ['name', 'email']) {
        body.append(h('div', { class: 'mock-field' }, h('span', { class: 'mock-label' }, field), h('span', { class: 'mock-input' })));
      }
      body.append(h('span', { class: 'mock-button' }, 'Submit'));
      break;
    }
    case 'button':
      body.append(h('span', { class: 'mock-button' }, str(component.text) || str(component.label) || 'Button'));
      if (str(component.onClick)) body.append(h('p', { class: 'mock-binding' }, `onClick: ${str(component.onClick)}`));
      break;
    case 'text': {
      const value = str(component.value) || str(component.text) || 'Text';
      const heading = /^#+\s*/.test(value);
      body.append(h(heading ? 'strong' : 'span', { class: heading ? 'mock-heading' : 'mock-text' }, value.replace(/^#+\s*/, '')));
      break;
    }
    case 'textinput':
    case 'input':
    case 'select':
      body.append(h('span', { class: 'mock-input with-text' }, str(component.placeholder) || str(component.label) || component.id));
      break;
    case 'chart':
      body.append(chartPreview());
      break;
    default:
      body.append(h('code', { class: 'mock-json' }, summary(component)));
  }
  return body;
}

function summary(component: ComponentSpec): string {
  const { type: _type, id: _id, ...rest } = component;
  const text = JSON.stringify(rest);
  return text === '{}' ? 'No properties yet' : text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

function chartPreview(): SVGSVGElement {
  const heights = [34, 52, 28, 66, 44, 72, 58];
  return svg(
    'svg',
    { class: 'mock-chart', viewBox: '0 0 140 80', preserveAspectRatio: 'none' },
    ...heights.map((height, i) => svg('rect', { x: 6 + i * 19, y: 78 - height, width: 12, height, rx: 2 })),
  );
}
