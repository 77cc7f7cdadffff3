// The demo's app model: pages of components and named queries, as the assistant's app
// generation writes them (a ```json block), and how an inserted JSON block changes it.

export interface ComponentSpec {
  type: string;
  id: string;
  [property: string]: unknown;
}

export interface PageSpec {
  name: string;
  components: ComponentSpec[];
  /** grid columns of the page, from a layout change (1 when unset) */
  columns?: number;
}

export interface QuerySpec {
  name: string;
  sql: string;
}

export interface AppSpec {
  name: string;
  pages: PageSpec[];
  queries: QuerySpec[];
}

export function emptyApp(): AppSpec {
  return { name: 'Untitled app', pages: [{ name: 'Page 1', components: [] }], queries: [] };
}

/** What an inserted JSON block did to the app, to tell the builder. */
export type SpecChange =
  | { kind: 'app'; app: AppSpec }
  | { kind: 'component'; component: ComponentSpec }
  | { kind: 'layout'; columns: number; target: string }
  | { kind: 'not-a-spec' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 120) : fallback;
}

function component(value: unknown, index: number): ComponentSpec | null {
  if (!isRecord(value)) return null;
  const type = text(value.type, '');
  if (!type) return null;
  return { ...value, type: type.toLowerCase(), id: text(value.id, `${type}${index + 1}`) };
}

function components(value: unknown): ComponentSpec[] {
  if (!Array.isArray(value)) return [];
  return value.map(component).filter((c): c is ComponentSpec => c !== null);
}

function page(value: unknown, index: number): PageSpec | null {
  if (!isRecord(value)) return null;
  return { name: text(value.name, `Page ${index + 1}`), components: components(value.components) };
}

function query(value: unknown, index: number): QuerySpec | null {
  if (!isRecord(value) || typeof value.sql !== 'string') return null;
  return { name: text(value.name, `query${index + 1}`), sql: value.sql };
}

/** Reads an app spec (`{ name, pages: [{ name, components }], queries }`) from parsed JSON; null when it is none. */
export function appFromJson(value: unknown): AppSpec | null {
  if (!isRecord(value) || !Array.isArray(value.pages)) return null;
  const pages = value.pages.map(page).filter((p): p is PageSpec => p !== null);
  if (pages.length === 0) return null;
  const queries = Array.isArray(value.queries) ? value.queries.map(query).filter((q): q is QuerySpec => q !== null) : [];
  return { name: text(value.name, 'Generated app'), pages, queries };
}

/**
 * What an inserted ```json block means for the canvas: a whole app (app generation), one
 * component (a new feature's button), or a layout change (`{ id, layout: "grid", columns }`).
 */
export function specChangeOf(json: string): SpecChange {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { kind: 'not-a-spec' };
  }
  const app = appFromJson(value);
  if (app) return { kind: 'app', app };
  if (!isRecord(value)) return { kind: 'not-a-spec' };
  if (typeof value.layout === 'string') {
    const columns = typeof value.columns === 'number' && value.columns >= 1 ? Math.min(4, Math.round(value.columns)) : 1;
    return { kind: 'layout', columns, target: text(value.id, 'the page') };
  }
  const single = component(value, 0);
  return single ? { kind: 'component', component: single } : { kind: 'not-a-spec' };
}

/** A one-line query from a spec, broken before its clauses so it reads in the editor. */
export function readableSql(sql: string): string {
  if (sql.includes('\n')) return sql;
  return sql.replace(/\s+(FROM|WHERE|GROUP BY|ORDER BY|HAVING|LIMIT|VALUES|RETURNING|(?:LEFT |INNER )?JOIN)\b/g, '\n$1');
}

/** A component id not used on any page yet: `table1`, `table2`, … */
export function freshId(app: AppSpec, type: string): string {
  const used = new Set(app.pages.flatMap((p) => p.components.map((c) => c.id)));
  let n = 1;
  while (used.has(`${type}${n}`)) n++;
  return `${type}${n}`;
}

/** Reads a stored app back, or null when what is stored is not one. */
export function parseStoredApp(raw: string | null): AppSpec | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    const app = appFromJson(value);
    if (!app || !isRecord(value) || !Array.isArray(value.pages)) return app;
    // keep the layout columns a stored page had
    value.pages.forEach((stored, i) => {
      const columns = isRecord(stored) ? stored.columns : undefined;
      const target = app.pages[i];
      if (target && typeof columns === 'number') target.columns = columns;
    });
    return app;
  } catch {
    return null;
  }
}
