import type { OperationType } from '../../../contract/index.js';
import { DEMO_APP } from '../builder-context.js';
import {
  appPages,
  appQueries,
  appSpec,
  at,
  columnKind,
  dateColumn,
  fieldType,
  label,
  singular,
  statusColumn,
  type Component,
  type Query,
} from './demo-app-spec.js';
import { camelCase, entityOf, keywords, snakeCase, subject, titleCase, withoutEntity, type Entity } from './demo-prompt.js';

/** The line every demo answer starts with, so no one takes it for a real model's work. */
export function demoNotice(model: string): string {
  return `_Demo model \`${model}\`: an offline, deterministic answer, not a real AI._`;
}

function columnType(column: string): string {
  if (/(_at|date|time)$/.test(column)) return 'timestamptz';
  if (/(amount|price|total|count|quantity|discount|rate|score)/.test(column)) return 'numeric';
  if (/^(is_|has_)|active|enabled|flag/.test(column)) return 'boolean';
  return 'text';
}

/** A query for the prompt and one sentence on what it returns. */
function sqlFor(prompt: string, entity: Entity): [sql: string, description: string] {
  const lower = prompt.toLowerCase();
  const days = /(\d+)\s*days?/.exec(lower)?.[1] ?? (/(week)/.test(lower) ? '7' : '30');
  const dateColumn = entity.columns.find((c) => /_(at|date)$|deadline/.test(c)) ?? 'created_at';
  if (/\b(top|most|best|largest|highest|biggest)\b/.test(lower)) {
    const limit = /\btop\s+(\d+)/.exec(lower)?.[1] ?? '10';
    return [
      [`SELECT ${entity.columns.join(', ')}`, `FROM ${entity.table}`, `ORDER BY ${entity.measure} DESC`, `LIMIT ${limit};`].join('\n'),
      `Returns the ${limit} \`${entity.table}\` rows with the highest \`${entity.measure}\`.`,
    ];
  }
  if (/\b(how many|count|number of|per)\b/.test(lower)) {
    const group = entity.columns.find((c) => /status|country|role|department|priority|method|warehouse/.test(c)) ?? 'status';
    return [
      [
        `SELECT ${group}, COUNT(*) AS ${entity.table}_count`,
        `FROM ${entity.table}`,
        `WHERE ${dateColumn} >= now() - interval '${days} days'`,
        `GROUP BY ${group}`,
        `ORDER BY ${entity.table}_count DESC;`,
      ].join('\n'),
      `Returns one row per \`${group}\` with its count of \`${entity.table}\` over the last ${days} days.`,
    ];
  }
  return [
    [
      `SELECT ${entity.columns.join(', ')}`,
      `FROM ${entity.table}`,
      `WHERE ${dateColumn} >= now() - interval '${days} days'`,
      `  AND ({{ searchInput.value }} = '' OR ${entity.columns[1]}::text ILIKE '%' || {{ searchInput.value }} || '%')`,
      `ORDER BY ${dateColumn} DESC`,
      'LIMIT 100;',
    ].join('\n'),
    `Returns the newest \`${entity.table}\` of the last ${days} days matching the search box; \`{{ searchInput.value }}\` is read at run time.`,
  ];
}

function fence(language: string, code: string): string {
  return `\`\`\`${language}\n${code}\n\`\`\``;
}

/** JSON on one line, with a space after each comma and colon between items. */
function inlineJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')}}`;
}

/** JSON indented by 2, with every object or array that fits in 80 characters on one line. */
export function compactJson(value: unknown, indent = ''): string {
  const flat = inlineJson(value);
  if (flat.length + indent.length <= 80 || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + compactJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}


/** JSON indented by 2, as models write the blocks a builder inserts. */
function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function describeQueries(queries: readonly Query[]): string {
  return queries.map((q) => `- \`${q.name}\`${q.runOnLoad ? ' (runs on page load)' : ''}: ${q.sql.split('\n')[0]!.slice(0, 70)}…`).join('\n');
}

type Composer = (prompt: string, words: string[]) => string;

const COMPOSERS: Record<OperationType, Composer> = {
  app_generation(prompt, words) {
    const entity = entityOf(words);
    const name = titleCase(subject(words, 'records').slice(0, 2)) || 'New App';
    const spec = appSpec(name, entity);
    return [
      `Here is **${name}**: ${spec.pages.length} pages over \`${entity.table}\` (a searchable list, a detail page with an edit form and its change history, a dashboard, a CSV import, a board by status, a report and settings) and ${spec.queries.length} queries.`,
      fence('json', prettyJson(spec)),
      '### Pages',
      spec.pages.map((page) => `- **${page.name}** (\`${page.path}\`): ${page.components.map((c) => `\`${c.id}\` (${c.type})`).join(', ')}.`).join('\n'),
      '### Queries',
      describeQueries(spec.queries),
      '### The tables it expects',
      fence(
        'sql',
        `CREATE TABLE IF NOT EXISTS ${entity.table} (\n${entity.columns.map((c) => `  ${c} ${c === 'id' ? 'bigserial PRIMARY KEY' : columnType(c) + (c === entity.columns[1] ? ' NOT NULL' : '')}`).join(',\n')}\n);\nCREATE INDEX IF NOT EXISTS ${entity.table}_${dateColumn(entity)}_idx ON ${entity.table} (${dateColumn(entity)} DESC);\nCREATE INDEX IF NOT EXISTS ${entity.table}_${statusColumn(entity)}_idx ON ${entity.table} (${statusColumn(entity)});\n\nCREATE TABLE IF NOT EXISTS audit_log (\n  id bigserial PRIMARY KEY,\n  table_name text NOT NULL,\n  row_id bigint NOT NULL,\n  field text NOT NULL,\n  old_value text,\n  new_value text,\n  changed_by text NOT NULL,\n  changed_at timestamptz NOT NULL DEFAULT now()\n);`,
      ),
      '### Import checks',
      'Use this as the `onFileSelected` script of `importUpload`: it refuses a file with missing columns or bad numbers before anything is written.',
      fence(
        'javascript',
        `// event handler: importUpload.onFileSelected\nconst required = ${JSON.stringify(entity.columns.filter((c) => c !== 'id'))};\nconst rows = importUpload.parsedData ?? [];\nconst missing = required.filter((c) => rows.length && !(c in rows[0]));\nif (missing.length) {\n  showNotification(\`Missing columns: \${missing.join(', ')}\`, 'error');\n  return;\n}\nconst bad = rows.findIndex((row) => ${JSON.stringify(entity.columns.filter((c) => fieldType(c) === 'number'))}.some((c) => row[c] !== '' && Number.isNaN(Number(row[c]))));\nif (bad >= 0) {\n  showNotification(\`Row \${bad + 2} has a value that is not a number\`, 'error');\n  return;\n}\nshowNotification(\`\${rows.length} rows ready to import\`, 'info');`,
      ),
      '### Permissions',
      fence('json', compactJson({ pages: { Settings: { allowedGroups: ['admins'] }, Import: { allowedGroups: ['admins', 'editors'] } }, queries: { [`delete_${singular(entity.table)}`]: { requiresConfirmation: true, allowedGroups: ['admins'] }, [`import_${entity.table}`]: { allowedGroups: ['admins', 'editors'] } } })),
      '### Before you use it',
      [
        `1. Point the queries at your data source; they expect a \`${entity.table}\` table with ${entity.columns.map((c) => `\`${c}\``).join(', ')}, and \`audit_log\` for the change history (drop \`historyTable\` and \`${singular(entity.table)}_history\` if you have none).`,
        `2. \`delete_${singular(entity.table)}\` asks for confirmation; limit it with \`allowedGroups\` if not everyone may delete.`,
        `3. The list pages on the server (\`serverSidePagination\`), so it stays fast on large tables; index \`${dateColumn(entity)}\`.`,
        '4. Adjust the table columns and the form fields: hide what builders should not edit.',
      ].join('\n'),
    ].join('\n\n');
  },
  new_feature(prompt, words) {
    const entity = entityOf(words);
    const feature = subject(withoutEntity(words, entity), 'export').slice(0, 2);
    const featureName = titleCase(feature);
    const key = snakeCase(feature);
    const id = camelCase(feature);
    const t = entity.table;
    const tableId = `${camelCase([t])}Table`;
    const pages = appPages(`${featureName}`, entity);
    const queries = appQueries(entity);
    const prefixed = (c: Component): Component => ({ ...c, id: `${id}${c.id.charAt(0).toUpperCase()}${c.id.slice(1)}` });
    const page = {
      name: featureName,
      path: `/${t}/${key.replace(/_/g, '-')}`,
      components: [...pages[0]!.components, ...pages[1]!.components, ...pages[2]!.components, ...pages[4]!.components].map(prefixed),
    };
    const featureQueries: Query[] = [
      { name: key, sql: `SELECT ${entity.columns.join(', ')}\nFROM ${t}\nWHERE id = ANY({{ ${tableId}.selectedRows.map((r) => r.id) }})\nORDER BY ${dateColumn(entity)} DESC` },
      { name: `${key}_log`, sql: `INSERT INTO audit_log (table_name, row_id, field, new_value, changed_by, changed_at)\nSELECT '${t}', id, '${key}', '${featureName}', {{ currentUser.email }}, now()\nFROM ${t}\nWHERE id = ANY({{ ${tableId}.selectedRows.map((r) => r.id) }})` },
      ...queries.slice(0, 10).map((q) => ({ ...q, name: `${key}_${q.name}` })),
    ];
    const handler = [
      `// event handler: ${id}Button.onClick`,
      `const rows = ${tableId}.selectedRows;`,
      `if (!rows.length) {`,
      `  showNotification('Select one or more ${t.replace(/_/g, ' ')} first', 'warning');`,
      `  return;`,
      `}`,
      `setValue('${id}Button', { loading: true });`,
      `try {`,
      `  const result = await queries.${key}.run();`,
      `  await queries.${key}_log.run();`,
      /export|csv|download/.test(key)
        ? `  download(utils.toCsv(result.data), '${t}-${key}-' + utils.formatDate(new Date(), 'yyyy-MM-dd') + '.csv', 'csv');`
        : `  await queries.list_${t}.run();`,
      `  showNotification(\`${featureName}: \${result.data.length} ${t.replace(/_/g, ' ')} done\`, 'success');`,
      `} catch (error) {`,
      `  showNotification(\`${featureName} failed: \${error.message}\`, 'error');`,
      `} finally {`,
      `  setValue('${id}Button', { loading: false });`,
      `}`,
    ].join('\n');
    return [
      `To add **${featureName}** to the ${t.replace(/_/g, ' ')} page of ${'your app'}: a button on the list, a page of its own with the selection and its figures, ${featureQueries.length} queries and one event handler.`,
      '### Steps',
      [
        `1. Set \`selectionMode\` of \`${tableId}\` to \`"multiple"\` so several rows can be picked.`,
        `2. Add the button \`${id}Button\` above the table (JSON below); it runs the handler.`,
        `3. Add the queries \`${key}\` and \`${key}_log\`; the log query writes who ran the feature on which rows to \`audit_log\`.`,
        `4. Add the page **${featureName}** for a closer look at the selection, with the same filters as the list.`,
        `5. Paste the handler as the button's \`onClick\` script.`,
        `6. Limit the button with \`allowedGroups\` if only some users may run it.`,
      ].join('\n'),
      `### The ${DEMO_APP.pages[0].name} page with the button`,
      fence(
        'json',
        JSON.stringify(
          {
            ...DEMO_APP.pages[0],
            components: (DEMO_APP.pages[0].components as readonly Component[]).flatMap((c): Component[] =>
              c.id === 'newOrderButton' ? [c, { type: 'button', id: `${id}Button`, text: featureName, position: at(8, 6, 2, 5) }] : [c.type === 'table' && c.id === 'ordersTable' ? { ...c, selectionMode: 'multiple' } : c],
            ),
          },
          null,
          2,
        ),
      ),
      '### The button',
      fence(
        'json',
        compactJson({ type: 'button', id: `${id}Button`, text: featureName, icon: 'bolt', disabled: `{{ !${tableId}.selectedRows.length }}`, tooltip: `${featureName} for the selected ${t.replace(/_/g, ' ')}`, position: at(8, 6, 2, 5) }),
      ),
      '### The table change',
      fence('json', compactJson({ id: tableId, selectionMode: 'multiple' })),
      '### The page',
      fence('json', prettyJson(page)),
      '### The queries',
      fence('json', prettyJson(featureQueries)),
      '### The handler',
      fence('javascript', handler),
      '### The audit table',
      `The log query writes to \`audit_log\`; create it once if your database has none:`,
      fence(
        'sql',
        `CREATE TABLE IF NOT EXISTS audit_log (\n  id bigserial PRIMARY KEY,\n  table_name text NOT NULL,\n  row_id bigint NOT NULL,\n  field text NOT NULL,\n  old_value text,\n  new_value text,\n  changed_by text NOT NULL,\n  changed_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX IF NOT EXISTS audit_log_row ON audit_log (table_name, row_id, changed_at DESC);`,
      ),
      '### Check it',
      [
        `- Select no row: the button is disabled; select two: it runs on both and the notification counts them.`,
        `- Open a row's detail page: its history lists the ${featureName} run with your email.`,
        `- A failing query shows its error and leaves the button usable again.`,
      ].join('\n'),
    ].join('\n\n');
  },
  modify_layout(prompt, words) {
    const target = camelCase(subject(words, 'main').slice(0, 1));
    const lower = prompt.toLowerCase();
    const columns = /three|3/.test(lower) ? 3 : 2;
    const props: Record<string, unknown> = { id: `${target}Container`, layout: 'grid', columns, gap: 16 };
    if (/dark/.test(lower)) props.theme = 'dark';
    if (/mobile|responsive|phone/.test(lower)) props.responsive = { below: 640, columns: 1 };
    if (/center|centre/.test(lower)) props.align = 'center';
    const width = Math.floor(12 / columns);
    const changes = [...DEMO_APP.pages[0].components, ...DEMO_APP.pages[2].components].map((c, i) => ({
      id: c.id,
      position: at((i % columns) * width, Math.floor(i / columns) * 14, width, c.type === 'table' || c.type === 'chart' ? 40 : 12),
      style: { padding: 12, borderRadius: 8, background: /dark/.test(lower) ? '#1e1e24' : 'surface', boxShadow: '0 1px 2px rgba(0,0,0,.08)' },
      hideOnMobile: c.type === 'chart' && /mobile|responsive|phone/.test(lower),
    }));
    return [
      `Change the container's layout properties; the components inside keep their order:`,
      fence('json', compactJson(props)),
      `Then move the components of **${DEMO_APP.pages[0].name}** and **${DEMO_APP.pages[2].name}** onto the ${columns}-column grid (${width} grid units each), with even padding and corners:`,
      fence('json', compactJson(changes)),
      [
        '- Tables and charts get 40 rows, the rest 12, so each row of the grid lines up.',
        `- ${/mobile|responsive|phone/.test(lower) ? 'Below 640 px the grid becomes one column; charts are hidden on phones, where they are unreadable.' : 'Below 640 px the components stack in reading order.'}`,
        '- Set the same `gap` on nested containers so the spacing stays even.',
      ].join('\n'),
    ].join('\n\n');
  },
  modify_queries(prompt, words) {
    const entity = entityOf(words);
    const column = snakeCase(subject(withoutEntity(words, entity), 'notes').slice(0, 2));
    const type = columnType(column);
    const t = entity.table;
    const readers = DEMO_APP.pages.flatMap((page) => page.components.filter((c) => JSON.stringify(c).includes(`queries.list_${t}`)).map((c) => `\`${c.id}\` on ${page.name}`));
    return [
      `Add the column \`${column}\` to \`${t}\` and read it in the list query:`,
      fence(
        'sql',
        `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${column} ${type};\n\nSELECT ${[...entity.columns, column].join(', ')}\nFROM ${t}\nORDER BY id DESC\nLIMIT 100;`,
      ),
      `If existing rows need a value, backfill in batches so the table is not locked for long, then index the column if you filter on it:`,
      fence(
        'sql',
        `-- backfill in batches of 10,000 rows; rerun until it updates 0 rows\nUPDATE ${t}\nSET ${column} = ${type === 'numeric' ? '0' : type === 'boolean' ? 'false' : type === 'timestamptz' ? 'now()' : "''"}\nWHERE id IN (SELECT id FROM ${t} WHERE ${column} IS NULL LIMIT 10000);\n\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${column}_idx ON ${t} (${column});`,
      ),
      `The app's queries that change:`,
      fence(
        'json',
        prettyJson([
          { name: `list_${t}`, sql: `SELECT ${[...entity.columns, column].join(', ')}\nFROM ${t}\nWHERE ({{ searchInput.value }} = '' OR ${entity.columns[1]}::text ILIKE '%' || {{ searchInput.value }} || '%')\nORDER BY id DESC\nLIMIT 100` },
          { name: `insert_${singular(t)}`, sql: `INSERT INTO ${t} (${[...entity.columns.slice(1), column].join(', ')})\nVALUES (${[...entity.columns.slice(1), column].map((c) => `{{ ${camelCase([singular(t)])}Form.data.${c} }}`).join(', ')})` },
          { name: `update_${singular(t)}`, sql: `UPDATE ${t} SET ${column} = {{ ${camelCase([singular(t)])}Form.data.${column} }} WHERE id = {{ page.params.id }}` },
        ]),
      ),
      `The other queries over \`${t}\` that list columns by name, with the column added:`,
      fence(
        'json',
        prettyJson(
          appQueries(entity)
            .filter((q) => !/^(list_|insert_|update_)/.test(q.name))
            .map((q) => ({ name: q.name, sql: q.sql.replace(entity.columns.join(', '), [...entity.columns, column].join(', ')) })),
        ),
      ),
      `Check the data after the backfill:`,
      fence(
        'sql',
        `SELECT count(*) AS rows,\n       count(*) FILTER (WHERE ${column} IS NULL) AS missing_${column},\n       min(id) FILTER (WHERE ${column} IS NULL) AS first_missing_id\nFROM ${t};`,
      ),
      `To undo it (after removing the column from the queries and components):`,
      fence('sql', `DROP INDEX CONCURRENTLY IF EXISTS ${t}_${column}_idx;\nALTER TABLE ${t} DROP COLUMN IF EXISTS ${column};`),
      `Show it in the table and edit it in the form:`,
      fence(
        'json',
        prettyJson([
          { id: `${camelCase([t])}Table`, columns: [...entity.columns, column].map((c) => ({ key: c, label: label(c), type: columnKind(c) })) },
          { id: `${camelCase([singular(t)])}Form`, fields: [...entity.columns.slice(1), column].map((c) => ({ name: c, label: label(c), type: fieldType(c) })) },
        ]),
      ),
      `Components that read \`list_${t}\` pick the column up on the next run${readers.length ? ` (${readers.join(', ')})` : ''}; add it to the table's columns to show it. Exports and transformers that list columns by name need it added too.`,
    ].join('\n\n');
  },
  debug_autofix(prompt, words) {
    const entity = entityOf(words);
    const component = /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b|\b[a-z]+\d+\b/.exec(prompt)?.[0] ?? `${camelCase([entity.table])}Table`;
    return [
      `**Cause:** \`${component}\` reads \`data\` before its query has finished, so it gets \`undefined\` on the first render; \`.map\` on it throws, and the table shows the error instead of its rows.`,
      '**Fix:** fall back to an empty list until the query has data, and show the loading state meanwhile:',
      fence('json', compactJson({ id: component, data: `{{ queries.list_${entity.table}.data ?? [] }}`, loadingState: `{{ queries.list_${entity.table}.isLoading }}`, emptyText: 'Nothing yet' })),
      `Some rows also have \`${entity.measure}\` NULL, which the currency column shows as "NaN"; a transformer on \`list_${entity.table}\` fixes both at the source:`,
      fence('javascript', `// transformer of list_${entity.table}\nreturn (data ?? []).map((row) => ({\n  ...row,\n  ${entity.measure}: row.${entity.measure} ?? 0,\n}));`),
      [
        `- If the error persists, open the query panel and check that \`list_${entity.table}\` runs on page load and returns rows.`,
        `- Bindings that index into data (\`data[0].x\`) need the same guard: \`data?.[0]?.x\`.`,
        `- The same pattern elsewhere in this app: ${DEMO_APP.pages.flatMap((page) => page.components.filter((c) => /queries\.\w+\.data\[0\]/.test(JSON.stringify(c))).map((c) => `\`${c.id}\``)).join(', ')} read \`data[0]\` without a guard and fail the same way while their queries load.`,
        `- After the fix, reload the page with the network throttled: the table shows its loading state, then the rows, and the console stays clean.`,
      ].join('\n'),
    ].join('\n\n');
  },
  docs_assistant(prompt, words) {
    const topic = titleCase(subject(words, 'components'));
    return [
      `**${topic}** in short:`,
      [
        `1. Select the component or query on the canvas; its settings open in the right panel.`,
        `2. Values in \`{{ }}\` are JavaScript and can read any component (\`textInput1.value\`) or query (\`query1.data\`); they update whenever what they read changes.`,
        `3. Use **Event handlers** to run queries, open modals or show notifications when something happens: add one in the component's Events section and list the actions in order.`,
        `4. A failing action stops the handler and shows its error, unless "Continue on error" is on.`,
        `5. Scripts can \`await\` queries and read their results.`,
      ].join('\n'),
      'For example, a Save button that writes the form, refreshes the table and says so:',
      fence('json', compactJson({ id: 'saveButton', onClick: [{ action: 'runQuery', name: 'update_order' }, { action: 'runQuery', name: 'list_orders' }, { action: 'showNotification', text: 'Saved', type: 'success' }] })),
      'Common mistakes:',
      [
        '- Running a query from a binding: bindings must be pure; run queries from handlers or with "Run on page load".',
        '- Reading `query.data` right after `runQuery` in a handler list: the next action sees the new data only in scripts that `await` the run.',
        '- Forgetting that a failed action stops the rest: add a failure handler on the query to show what went wrong.',
      ].join('\n'),
      `See the docs pages on components, queries and event handlers for every property of ${topic.toLowerCase()}.`,
    ].join('\n\n');
  },
  sql_generation(prompt, words) {
    const entity = entityOf(words);
    const [sql, description] = sqlFor(prompt, entity);
    return [
      fence('sql', sql),
      description,
      `Notes: the \`{{ }}\` values are sent as query parameters, never pasted into the SQL. On a large \`${entity.table}\` table an index on \`${dateColumn(entity)}\` keeps it fast; name the query \`${snakeCase(words.slice(0, 3)) || 'query1'}\` and read it as \`queries.${snakeCase(words.slice(0, 3)) || 'query1'}.data\`.`,
    ].join('\n\n');
  },
  custom_code(prompt, words) {
    const entity = entityOf(words);
    const field = entity.columns.find((c) => c === entity.measure) ?? entity.columns[2] ?? 'value';
    return [
      fence(
        'javascript',
        `// transformer: ${prompt.slice(0, 60).replace(/\s+/g, ' ').trim()}\nconst rows = queries.list_${entity.table}.data ?? [];\nreturn rows\n  .filter((row) => row.${field} != null)\n  .map((row) => ({ ...row, ${field}: Number(row.${field}).toFixed(2) }));`,
      ),
      'Paste it as the query transformer; it runs after every query run.',
    ].join('\n\n');
  },
};

/** The demo's Markdown answer to `prompt` for an operation type: the same prompt, the same answer. */
export function demoAnswer(model: string, operation: OperationType, prompt: string): string {
  return `${demoNotice(model)}\n\n${COMPOSERS[operation](prompt, keywords(prompt))}\n`;
}
