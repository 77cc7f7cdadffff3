/**
 * What an app builder's assistant knows besides the builder's prompt, as real app-builder
 * assistants send it with every request: the builder's component catalog (component-catalog.ts)
 * and conventions, the data schema the app's queries run on, passages of the builder's docs,
 * and the app open in the editor. system-prompts.ts puts together the parts each operation type needs; they
 * are sent to the model and counted in the estimate's input tokens like any other text.
 *
 * The demo workspace has no app of its own on the server, so the demo model is sent a fixed
 * one (DEMO_APP, "Acme Orders"), the kind of app a builder has open when asking for a change.
 */

import { catalogOf, COMPONENT_CATALOG } from './component-catalog.js';

/** The builder's conventions: how bindings, queries, handlers and the app spec work. */
const CONVENTIONS = `## Conventions of the app builder
- Bindings: any property can be a JavaScript expression in \`{{ }}\`. It can read components by id (\`searchInput.value\`, \`ordersTable.selectedRow.id\`), queries (\`queries.list_orders.data\`, \`queries.list_orders.isLoading\`), the page (\`page.params.id\`), the user (\`currentUser.email\`, \`currentUser.groups\`) and globals (\`app.theme\`). Expressions are re-evaluated whenever what they read changes; keep them pure.
- Queries: named snake_case, PostgreSQL unless the data source says otherwise. Parameters are bindings inside the SQL (\`WHERE id = {{ ordersTable.selectedRow.id }}\`); the builder sends them as prepared-statement parameters, never spliced into the text. A query runs on page load when \`runOnLoad\` is true, else when a handler runs it. \`transformer\` is JavaScript that receives \`data\` and returns what components read.
- Event handlers: an ordered list of actions: \`runQuery(name, params?)\`, \`setValue(id, value)\`, \`navigate(page, params?)\`, \`openModal(id)\`, \`closeModal(id)\`, \`showNotification(text, "success"|"info"|"warning"|"error")\`, \`copyToClipboard(text)\`, \`download(data, fileName, "csv"|"json"|"pdf")\`, or \`script\` (JavaScript with \`await\`, returning nothing). A failed action stops the list and shows its error unless \`continueOnError\` is set.
- Layout: each page is a 12-column grid; \`position\` gives the top left cell and the size. Components must not overlap. Mobile layout stacks the components in reading order below 640 px unless the page sets its own.
- Naming: component ids are camelCase with the type last (\`ordersTable\`, \`statusSelect\`, \`saveButton\`); queries are snake_case verbs first (\`list_orders\`, \`update_order_status\`); pages are Title Case.
- Permissions: a page or a component may set \`allowedGroups\`; a query may set \`requiresConfirmation\` for writes. Deleting always asks first.
- The app spec is JSON: {"name": string, "theme"?: {"primary": color, "mode": "light"|"dark"}, "pages": [{"name": string, "path": string, "columns"?: number, "components": [{"type": string, "id": string, ...props}]}], "queries": [{"name": string, "sql": string, "runOnLoad"?: boolean, "transformer"?: string}]}.
- Answers that change the app give only what changes, as JSON blocks the builder can insert; answers that create an app give the whole spec as one JSON block.`;

/** The data the demo's queries run on (the "Acme" PostgreSQL database), as the assistant is shown it. */
const DATA_SCHEMA = `## Data source: acme (PostgreSQL 16)
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text UNIQUE NOT NULL, country char(2), segment text CHECK (segment IN ('smb','mid','enterprise')), lifetime_value numeric(12,2) DEFAULT 0, created_at timestamptz DEFAULT now());
CREATE TABLE products (id bigserial PRIMARY KEY, name text NOT NULL, sku text UNIQUE NOT NULL, category text, price numeric(10,2) NOT NULL, stock integer NOT NULL DEFAULT 0, active boolean DEFAULT true);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers, status text CHECK (status IN ('draft','placed','paid','shipped','delivered','cancelled','refunded')), total numeric(12,2) NOT NULL, currency char(3) DEFAULT 'USD', discount_code text, placed_at timestamptz, created_at timestamptz DEFAULT now(), updated_at timestamptz);
CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE CASCADE, product_id bigint REFERENCES products, quantity integer CHECK (quantity > 0), unit_price numeric(10,2));
CREATE TABLE invoices (id bigserial PRIMARY KEY, order_id bigint REFERENCES orders, customer_id bigint REFERENCES customers, amount numeric(12,2), status text CHECK (status IN ('open','paid','overdue','void')), due_date date, paid_at timestamptz);
CREATE TABLE payments (id bigserial PRIMARY KEY, invoice_id bigint REFERENCES invoices, amount numeric(12,2), method text, paid_at timestamptz);
CREATE TABLE employees (id bigserial PRIMARY KEY, name text, email text UNIQUE, department text, role text, salary numeric(10,2), manager_id bigint REFERENCES employees, hired_at date);
CREATE TABLE tickets (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers, subject text, body text, priority smallint CHECK (priority BETWEEN 1 AND 4), status text CHECK (status IN ('new','open','pending','solved','closed')), assignee_id bigint REFERENCES employees, created_at timestamptz DEFAULT now());
CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id bigint, title text, assignee text, status text, estimate_hours numeric(5,1), due_date date);
CREATE TABLE projects (id bigserial PRIMARY KEY, name text, owner text, budget numeric(12,2), deadline date);
CREATE TABLE inventory (id bigserial PRIMARY KEY, product_id bigint REFERENCES products, warehouse text, quantity integer, updated_at timestamptz);
CREATE TABLE users (id bigserial PRIMARY KEY, name text, email text UNIQUE, role text, login_count integer DEFAULT 0, last_login_at timestamptz, created_at timestamptz DEFAULT now());
-- indexes: orders (customer_id, placed_at DESC), orders (status), order_items (order_id), invoices (customer_id, status), tickets (status, priority), inventory (product_id, warehouse)
-- row counts (approx.): customers 48k, orders 1.2M, order_items 3.9M, products 2.1k, invoices 1.1M, payments 1.0M, tickets 86k, employees 340`;

/** Docs passages retrieved for the builder's question, as a docs assistant is sent them. */
const DOCS_PASSAGES = `## Docs passages (retrieved for this question)
[components/overview] Every component has an id, a position on the page's 12-column grid and properties. Select a component on the canvas to edit its properties in the right panel; any property can be a binding in \`{{ }}\` that reads other components, queries, the page's parameters or the current user. The component tree in the left panel shows nesting in containers, tabs and modals.
[queries/overview] Queries read and write your data sources. Create one in the query panel, pick the data source, write SQL (or a REST request), and name it. Parameters are bindings: \`{{ searchInput.value }}\`. A query runs on page load when "Run on page load" is on, when a handler runs it, or when you click Run. \`queries.name.data\` holds the last result, \`isLoading\` is true while it runs and \`error\` holds the last error. Transformers reshape the result with JavaScript before components read it.
[events/handlers] Event handlers run actions when something happens: a click, a row selection, a form submit, a query's success or failure. Add one in the component's Events section; actions run in order: run a query, set a component's value, navigate, open or close a modal, show a notification, copy, download, or run a script. A failing action stops the handler and shows its error unless "Continue on error" is on. Scripts can \`await\` queries: \`await queries.update_order.run({ id })\`.
[layout/grid] Pages are 12-column grids with rows of 10 px. Drag a component's edges to resize it; hold Shift to move it without snapping. Containers have grids of their own. Below 640 px components stack in reading order unless the page sets a mobile layout. Use the page's Layout panel to set column count, gaps and the maximum width.
[state/variables] Page variables keep values across handlers (\`page.variables.filter\`); app variables live for the session (\`app.variables\`). Set them with the setValue action or \`setVariable(name, value)\` in scripts. URL parameters are in \`page.params\` and survive reloads.
[permissions] Pages, components and queries can be limited to user groups. Writes can ask for confirmation. Users see only pages they are allowed to; hidden components are not sent to the browser.
[queries/transformers] A transformer is JavaScript that runs after its query, receives \`data\` and returns what components read as \`queries.name.data\`; the raw result stays in \`queries.name.rawData\`. Transformers run in the browser for browser-side data sources and on the server for database queries; they cannot call other queries. Return an array for tables and charts. Throwing an error marks the query as failed with that message.
[components/tables] Tables read an array of objects. Columns are listed in the Columns section: key, label, type (text, number, currency, date, badge, link, image, boolean) and whether the cell is editable. Edited cells are collected in \`table.changes\` until a Save handler writes them. Server-side pagination passes \`pageIndex\` and \`pageSize\` to the query; sorting passes \`sortKey\` and \`sortDirection\`. Row actions run handlers with \`currentRow\`.
[forms/validation] Forms validate on submit and on blur: required fields, patterns, min and max. \`form.data\` holds the values by field name, \`form.isValid\` whether all pass, \`form.errors\` the messages. \`initialData\` fills the fields; changing it resets the form. Submit handlers run only when the form is valid.
[release/versions] Apps have a draft and released versions. Release from the top bar; each release keeps a version you can roll back to. Data sources can differ between development and production environments.`;


interface DemoQuery {
  name: string;
  sql: string;
  runOnLoad?: boolean;
  transformer?: string;
}

/** The app open in the demo's editor: what the demo model is told the builder is working on. */
export const DEMO_APP = {
  name: 'Acme Orders',
  theme: { primary: '#3b5bdb', mode: 'light' },
  pages: [
    {
      name: 'Orders',
      path: '/orders',
      components: [
        { type: 'text', id: 'ordersTitle', value: '## Orders', position: { x: 0, y: 0, w: 6, h: 5 } },
        { type: 'textinput', id: 'searchInput', placeholder: 'Search by customer or order number', debounceMs: 300, position: { x: 0, y: 6, w: 4, h: 4 } },
        { type: 'select', id: 'statusSelect', options: '{{ queries.list_statuses.data }}', placeholder: 'Any status', position: { x: 4, y: 6, w: 3, h: 4 } },
        { type: 'datepicker', id: 'placedRange', mode: 'range', position: { x: 7, y: 6, w: 3, h: 4 } },
        { type: 'button', id: 'newOrderButton', text: 'New order', icon: 'plus', onClick: [{ action: 'openModal', id: 'orderModal' }], position: { x: 10, y: 6, w: 2, h: 4 } },
        {
          type: 'table',
          id: 'ordersTable',
          data: '{{ queries.list_orders.data }}',
          loadingState: '{{ queries.list_orders.isLoading }}',
          serverSidePagination: true,
          pageSize: 25,
          selectionMode: 'single',
          columns: [
            { key: 'id', label: 'Order', type: 'link' },
            { key: 'customer_name', label: 'Customer' },
            { key: 'status', label: 'Status', type: 'badge' },
            { key: 'total', label: 'Total', type: 'currency' },
            { key: 'placed_at', label: 'Placed', type: 'date' },
          ],
          actions: [
            { label: 'Open', onClick: [{ action: 'navigate', page: 'Order', params: { id: '{{ currentRow.id }}' } }] },
            { label: 'Cancel', variant: 'danger', onClick: [{ action: 'runQuery', name: 'cancel_order', params: { id: '{{ currentRow.id }}' } }] },
          ],
          onRowSelect: [{ action: 'runQuery', name: 'get_order_items' }],
          position: { x: 0, y: 11, w: 8, h: 60 },
        },
        {
          type: 'container',
          id: 'orderSummary',
          layout: 'stack',
          gap: 12,
          children: ['selectedOrderText', 'orderItemsTable', 'statusBadge'],
          position: { x: 8, y: 11, w: 4, h: 60 },
        },
        { type: 'text', id: 'selectedOrderText', value: '### Order {{ ordersTable.selectedRow.id }}\n{{ ordersTable.selectedRow.customer_name }}' },
        {
          type: 'table',
          id: 'orderItemsTable',
          data: '{{ queries.get_order_items.data }}',
          columns: [{ key: 'product_name', label: 'Product' }, { key: 'quantity', label: 'Qty', type: 'number' }, { key: 'unit_price', label: 'Price', type: 'currency' }],
          pageSize: 0,
        },
        { type: 'badge', id: 'statusBadge', value: '{{ ordersTable.selectedRow.status }}', colors: { paid: 'green', placed: 'blue', shipped: 'teal', cancelled: 'gray', refunded: 'orange' } },
        {
          type: 'modal',
          id: 'orderModal',
          title: 'New order',
          size: 'md',
          children: ['orderForm'],
        },
        {
          type: 'form',
          id: 'orderForm',
          fields: [
            { name: 'customer_id', label: 'Customer', type: 'select', options: '{{ queries.list_customers.data }}', required: true },
            { name: 'total', label: 'Total', type: 'number', required: true },
            { name: 'discount_code', label: 'Discount code', type: 'text' },
          ],
          submitText: 'Create order',
          resetAfterSubmit: true,
          onSubmit: [
            { action: 'runQuery', name: 'insert_order' },
            { action: 'closeModal', id: 'orderModal' },
            { action: 'runQuery', name: 'list_orders' },
            { action: 'showNotification', text: 'Order created', type: 'success' },
          ],
        },
      ],
    },
    {
      name: 'Customers',
      path: '/customers',
      components: [
        { type: 'text', id: 'customersTitle', value: '## Customers', position: { x: 0, y: 0, w: 6, h: 5 } },
        { type: 'textinput', id: 'customerSearch', placeholder: 'Name or email', position: { x: 0, y: 6, w: 4, h: 4 } },
        { type: 'select', id: 'segmentSelect', options: [{ label: 'SMB', value: 'smb' }, { label: 'Mid-market', value: 'mid' }, { label: 'Enterprise', value: 'enterprise' }], position: { x: 4, y: 6, w: 3, h: 4 } },
        {
          type: 'table',
          id: 'customersTable',
          data: '{{ queries.list_customers.data }}',
          loadingState: '{{ queries.list_customers.isLoading }}',
          columns: [
            { key: 'name', label: 'Name' },
            { key: 'email', label: 'Email' },
            { key: 'country', label: 'Country' },
            { key: 'segment', label: 'Segment', type: 'badge' },
            { key: 'lifetime_value', label: 'Lifetime value', type: 'currency' },
          ],
          selectionMode: 'single',
          searchable: false,
          position: { x: 0, y: 11, w: 12, h: 50 },
        },
      ],
    },
    {
      name: 'Dashboard',
      path: '/dashboard',
      columns: 3,
      components: [
        { type: 'stat', id: 'revenueStat', label: 'Revenue, 30 days', value: '{{ queries.revenue_summary.data[0].revenue }}', previousValue: '{{ queries.revenue_summary.data[0].previous_revenue }}', format: 'currency', position: { x: 0, y: 0, w: 4, h: 12 } },
        { type: 'stat', id: 'ordersStat', label: 'Orders, 30 days', value: '{{ queries.revenue_summary.data[0].orders }}', previousValue: '{{ queries.revenue_summary.data[0].previous_orders }}', format: 'number', position: { x: 4, y: 0, w: 4, h: 12 } },
        { type: 'stat', id: 'overdueStat', label: 'Overdue invoices', value: '{{ queries.overdue_invoices.data.length }}', format: 'number', position: { x: 8, y: 0, w: 4, h: 12 } },
        { type: 'chart', id: 'revenueChart', chartType: 'area', data: '{{ queries.revenue_by_day.data }}', xKey: 'day', yKeys: ['revenue'], legend: 'none', position: { x: 0, y: 13, w: 8, h: 40 } },
        { type: 'chart', id: 'statusChart', chartType: 'pie', data: '{{ queries.orders_by_status.data }}', xKey: 'status', yKeys: ['orders'], legend: 'bottom', position: { x: 8, y: 13, w: 4, h: 40 } },
        {
          type: 'table',
          id: 'overdueTable',
          data: '{{ queries.overdue_invoices.data }}',
          columns: [{ key: 'id', label: 'Invoice' }, { key: 'customer_name', label: 'Customer' }, { key: 'amount', label: 'Amount', type: 'currency' }, { key: 'due_date', label: 'Due', type: 'date' }],
          pageSize: 10,
          position: { x: 0, y: 54, w: 12, h: 40 },
        },
      ],
    },
  ],
  queries: [
    {
      name: 'list_orders',
      runOnLoad: true,
      sql: "SELECT o.id, c.name AS customer_name, o.status, o.total, o.placed_at\nFROM orders o JOIN customers c ON c.id = o.customer_id\nWHERE ({{ searchInput.value }} = '' OR c.name ILIKE '%' || {{ searchInput.value }} || '%' OR o.id::text = {{ searchInput.value }})\n  AND ({{ statusSelect.value }} IS NULL OR o.status = {{ statusSelect.value }})\n  AND ({{ placedRange.startDate }} IS NULL OR o.placed_at BETWEEN {{ placedRange.startDate }} AND {{ placedRange.endDate }})\nORDER BY o.placed_at DESC\nLIMIT {{ ordersTable.pageSize }} OFFSET {{ ordersTable.pageIndex * ordersTable.pageSize }}",
    },
    { name: 'list_statuses', runOnLoad: true, sql: "SELECT DISTINCT status AS value, initcap(status) AS label FROM orders ORDER BY 1", transformer: 'return data.filter((s) => s.value !== "draft");' },
    { name: 'get_order_items', sql: 'SELECT p.name AS product_name, i.quantity, i.unit_price\nFROM order_items i JOIN products p ON p.id = i.product_id\nWHERE i.order_id = {{ ordersTable.selectedRow.id }}' },
    { name: 'cancel_order', sql: "UPDATE orders SET status = 'cancelled', updated_at = now() WHERE id = {{ currentRow.id }} AND status IN ('draft','placed')" },
    { name: 'insert_order', sql: "INSERT INTO orders (customer_id, status, total, discount_code, placed_at)\nVALUES ({{ orderForm.data.customer_id }}, 'placed', {{ orderForm.data.total }}, nullif({{ orderForm.data.discount_code }}, ''), now())" },
    {
      name: 'list_customers',
      runOnLoad: true,
      sql: "SELECT id, name, email, country, segment, lifetime_value AS value, name AS label, lifetime_value\nFROM customers\nWHERE ({{ customerSearch.value }} = '' OR name ILIKE '%' || {{ customerSearch.value }} || '%' OR email ILIKE '%' || {{ customerSearch.value }} || '%')\n  AND ({{ segmentSelect.value }} IS NULL OR segment = {{ segmentSelect.value }})\nORDER BY lifetime_value DESC LIMIT 200",
    },
    {
      name: 'revenue_summary',
      runOnLoad: true,
      sql: "SELECT sum(total) FILTER (WHERE placed_at >= now() - interval '30 days') AS revenue,\n       sum(total) FILTER (WHERE placed_at < now() - interval '30 days') AS previous_revenue,\n       count(*) FILTER (WHERE placed_at >= now() - interval '30 days') AS orders,\n       count(*) FILTER (WHERE placed_at < now() - interval '30 days') AS previous_orders\nFROM orders WHERE placed_at >= now() - interval '60 days' AND status NOT IN ('cancelled','refunded')",
    },
    { name: 'revenue_by_day', runOnLoad: true, sql: "SELECT date_trunc('day', placed_at)::date AS day, sum(total) AS revenue\nFROM orders WHERE placed_at >= now() - interval '30 days' AND status NOT IN ('cancelled','refunded')\nGROUP BY 1 ORDER BY 1" },
    { name: 'orders_by_status', runOnLoad: true, sql: "SELECT status, count(*) AS orders FROM orders WHERE placed_at >= now() - interval '30 days' GROUP BY status ORDER BY orders DESC" },
    {
      name: 'overdue_invoices',
      runOnLoad: true,
      sql: "SELECT i.id, c.name AS customer_name, i.amount, i.due_date\nFROM invoices i JOIN customers c ON c.id = i.customer_id\nWHERE i.status = 'overdue' OR (i.status = 'open' AND i.due_date < current_date)\nORDER BY i.due_date",
    },
  ] satisfies DemoQuery[],
} as const;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** The whole current app, as the assistant is shown it. */
function currentApp(): string {
  return `## The app open in the editor\n\`\`\`json\n${json(DEMO_APP)}\n\`\`\``;
}

/** The current app's pages without its queries: what a layout change works on. */
function currentPages(): string {
  return `## The pages of the app open in the editor (${DEMO_APP.name})\n\`\`\`json\n${json(DEMO_APP.pages)}\n\`\`\``;
}

/** The current app's queries and the components that read them: what a query change works on. */
function currentQueries(): string {
  const readers = DEMO_APP.pages.flatMap((page) =>
    page.components
      .filter((c) => JSON.stringify(c).includes('queries.'))
      .map((c) => `- ${page.name} / \`${c.id}\` (${c.type}) reads ${[...new Set(JSON.stringify(c).match(/queries\.\w+/g))].join(', ')}`),
  );
  return `## The queries of the app open in the editor (${DEMO_APP.name})\n\`\`\`json\n${json(DEMO_APP.queries)}\n\`\`\`\n### Components reading them\n${readers.join('\n')}`;
}

/** The component the builder is debugging, what it reads and the error the editor shows. */
function brokenComponent(): string {
  const table = DEMO_APP.pages[1].components.find((c) => c.id === 'customersTable');
  const query = DEMO_APP.queries.find((q) => q.name === 'list_customers');
  return `## The selected component and its error
\`\`\`json
${json(table)}
\`\`\`
### Query it reads
\`\`\`json
${json(query)}
\`\`\`
### Editor console (latest first)
[error] customersTable: data: TypeError: Cannot read properties of undefined (reading 'map') at binding {{ queries.list_customers.data }} (page Customers, evaluated before the query's first run)
[warn] list_customers: ran in 412 ms, 200 rows; 3 rows have lifetime_value NULL
[info] page Customers loaded; queries on load: list_customers`;
}

/** The values a snippet can read on the current page: components with their properties, queries with row shapes. */
function bindingsInScope(): string {
  const readable: Record<string, string> = {
    table: 'data, selectedRow, selectedRows, pageIndex, pageSize, changes',
    form: 'data, isValid, errors',
    textinput: 'value',
    select: 'value, selectedOption',
    datepicker: 'value, startDate, endDate',
    button: 'loading',
    text: 'value',
    stat: 'value',
    chart: 'data',
    container: 'children',
    modal: 'open',
    badge: 'value',
  };
  const components = DEMO_APP.pages.flatMap((page) => page.components.map((c) => `- ${c.id} (${c.type}, page ${page.name}): ${readable[c.type] ?? 'value'}`));
  return `## In scope on the current page (${DEMO_APP.pages[0].name})
Components and what they expose:
${components.join('\n')}
Queries and their rows: list_orders { id, customer_name, status, total, placed_at }[], get_order_items { product_name, quantity, unit_price }[], list_customers { id, name, email, country, segment, lifetime_value }[].
Globals: currentUser { email, name, groups }, page { params, variables }, utils { formatCurrency(n, currency), formatDate(d, format), toCsv(rows) }.`;
}

export type ContextPart = 'catalog' | 'conventions' | 'schema' | 'docs' | 'app' | 'pages' | 'queries' | 'broken' | 'scope' | 'autofixCatalog';

/** Each part of the context as text. `app`, `pages`, `queries`, `broken` and `scope` are of the current app. */
export function contextPart(part: ContextPart): string {
  switch (part) {
    case 'catalog':
      return COMPONENT_CATALOG;
    case 'conventions':
      return CONVENTIONS;
    case 'schema':
      return DATA_SCHEMA;
    case 'docs':
      return DOCS_PASSAGES;
    case 'app':
      return currentApp();
    case 'pages':
      return currentPages();
    case 'queries':
      return currentQueries();
    case 'broken':
      return brokenComponent();
    case 'scope':
      return bindingsInScope();
    case 'autofixCatalog':
      return catalogOf(['table']);
  }
}

/** Parts of the context that describe the app open in the editor (the demo's fixed app). */
export const APP_PARTS: ReadonlySet<ContextPart> = new Set(['app', 'pages', 'queries', 'broken', 'scope']);
