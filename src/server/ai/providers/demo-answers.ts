import type { OperationType } from '../../../contract/index.js';

/** The line every demo answer starts with, so no one takes it for a real model's work. */
export function demoNotice(model: string): string {
  return `_Demo model \`${model}\`: an offline, deterministic answer, not a real AI._`;
}

const STOP_WORDS = new Set(
  `a an the and or but of for to in on at by with from into onto as is are be been was were it its this that these those
  i we you my our your me us please can could would should will shall do does did how what which who why when where
  build create make generate add write show give get set need want new app application page pages feature query queries
  sql code table list all some any me let lets using use so then than just also like into about more most
  work works working there here has have had not only each every`.split(/\s+/),
);

interface Entity {
  table: string;
  columns: readonly string[];
  /** a numeric column worth summing or sorting by */
  measure: string;
}

const KNOWN_ENTITIES: readonly Entity[] = [
  { table: 'orders', columns: ['id', 'customer_id', 'total', 'status', 'created_at'], measure: 'total' },
  { table: 'customers', columns: ['id', 'name', 'email', 'country', 'created_at'], measure: 'lifetime_value' },
  { table: 'users', columns: ['id', 'name', 'email', 'role', 'created_at'], measure: 'login_count' },
  { table: 'products', columns: ['id', 'name', 'sku', 'price', 'stock'], measure: 'price' },
  { table: 'invoices', columns: ['id', 'customer_id', 'amount', 'status', 'due_date'], measure: 'amount' },
  { table: 'employees', columns: ['id', 'name', 'department', 'salary', 'hired_at'], measure: 'salary' },
  { table: 'tickets', columns: ['id', 'subject', 'priority', 'status', 'created_at'], measure: 'priority' },
  { table: 'tasks', columns: ['id', 'title', 'assignee', 'status', 'due_date'], measure: 'estimate_hours' },
  { table: 'payments', columns: ['id', 'invoice_id', 'amount', 'method', 'paid_at'], measure: 'amount' },
  { table: 'projects', columns: ['id', 'name', 'owner', 'budget', 'deadline'], measure: 'budget' },
  { table: 'inventory', columns: ['id', 'item', 'warehouse', 'quantity', 'updated_at'], measure: 'quantity' },
];

/** The prompt's meaningful words, lower case, in order, without repeats. */
function keywords(prompt: string): string[] {
  const words = prompt.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2').toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 2 && !STOP_WORDS.has(w) && !/^\d+$/.test(w)))];
}

const ACRONYMS = new Set(['csv', 'pdf', 'api', 'sql', 'ui', 'id', 'url', 'json', 'kpi', 'crm', 'hr']);

function titleCase(words: readonly string[]): string {
  return words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
}

function snakeCase(words: readonly string[]): string {
  return words.join('_').replace(/[^\p{L}\p{N}_]/gu, '');
}

function camelCase(words: readonly string[]): string {
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** The table the prompt is about: a known entity it names, else its first plural-looking word. */
function entityOf(words: readonly string[]): Entity {
  for (const word of words) {
    const known = KNOWN_ENTITIES.find((e) => e.table === word || e.table === `${word}s` || e.table.replace(/s$/, '') === word);
    if (known) return known;
  }
  const plural = words.find((w) => w.endsWith('s') && !w.endsWith('ss')) ?? words[0] ?? 'records';
  return { table: snakeCase([plural]), columns: ['id', 'name', 'status', 'created_at', 'updated_at'], measure: 'amount' };
}

function withoutEntity(words: readonly string[], entity: Entity): string[] {
  return words.filter((w) => w !== entity.table && `${w}s` !== entity.table);
}

function subject(words: readonly string[], fallback: string): string[] {
  return words.length ? words.slice(0, 3) : [fallback];
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

function appSpec(name: string, entity: Entity): string {
  const spec = {
    name,
    pages: [
      {
        name: titleCase([entity.table.replace(/_/g, ' ')]),
        components: [
          { type: 'text', id: 'title', value: `# ${name}` },
          { type: 'textinput', id: 'searchInput', placeholder: `Search ${entity.table}` },
          { type: 'table', id: `${camelCase([entity.table])}Table`, data: `{{ queries.list_${entity.table}.data }}`, columns: entity.columns },
          { type: 'button', id: 'addButton', text: 'Add', onClick: 'openModal(editModal)' },
        ],
      },
      {
        name: 'Edit',
        components: [
          {
            type: 'form',
            id: 'editForm',
            fields: entity.columns.filter((c) => c !== 'id'),
            onSubmit: `runQuery(save_${entity.table.replace(/s$/, '')})`,
          },
        ],
      },
    ],
    queries: [
      { name: `list_${entity.table}`, sql: `SELECT ${entity.columns.join(', ')} FROM ${entity.table} ORDER BY id DESC LIMIT 100` },
      {
        name: `save_${entity.table.replace(/s$/, '')}`,
        sql: `INSERT INTO ${entity.table} (${entity.columns.slice(1).join(', ')}) VALUES (${entity.columns
          .slice(1)
          .map((c) => `{{ editForm.data.${c} }}`)
          .join(', ')})`,
      },
    ],
  };
  return fence('json', compactJson(spec));
}

type Composer = (prompt: string, words: string[]) => string;

const COMPOSERS: Record<OperationType, Composer> = {
  app_generation(prompt, words) {
    const entity = entityOf(words);
    const name = titleCase(subject(words, 'records').slice(0, 2)) || 'New App';
    return [
      `Here is **${name}**: a list page with search over \`${entity.table}\` and an edit form.`,
      appSpec(name, entity),
      'Next steps: connect the queries to your data source, then adjust the table columns.',
    ].join('\n\n');
  },
  new_feature(prompt, words) {
    const entity = entityOf(words);
    const feature = subject(withoutEntity(words, entity), 'export').slice(0, 2);
    const handler = `${camelCase(feature)}Handler`;
    return [
      `To add **${titleCase(feature)}** to the ${entity.table} page:`,
      [
        `1. Add a button \`${camelCase(feature)}Button\` above the ${entity.table} table.`,
        `2. Add a query \`${snakeCase(feature)}\` that reads the selected row.`,
        `3. Run it from the button's click handler and show a notification.`,
      ].join('\n'),
      fence(
        'json',
        compactJson({ type: 'button', id: `${camelCase(feature)}Button`, text: titleCase(feature), onClick: `runQuery(${snakeCase(feature)})` }),
      ),
      fence(
        'javascript',
        `// event handler: ${handler}\nconst row = ${camelCase([entity.table])}Table.selectedRow;\nif (!row) return showNotification('Select a row first', 'warning');\nawait queries.${snakeCase(feature)}.run({ id: row.id });\nshowNotification('${titleCase(feature)} done', 'success');`,
      ),
    ].join('\n\n');
  },
  modify_layout(prompt, words) {
    const target = camelCase(subject(words, 'main').slice(0, 1));
    const lower = prompt.toLowerCase();
    const props: Record<string, unknown> = { id: `${target}Container`, layout: 'grid', columns: /three|3/.test(lower) ? 3 : 2, gap: 16 };
    if (/dark/.test(lower)) props.theme = 'dark';
    if (/mobile|responsive|phone/.test(lower)) props.responsive = { below: 640, columns: 1 };
    if (/center|centre/.test(lower)) props.align = 'center';
    return [
      `Change the container's layout properties; the components inside keep their order:`,
      fence('json', compactJson(props)),
      'Tip: set the same `gap` on nested containers so the spacing stays even.',
    ].join('\n\n');
  },
  modify_queries(prompt, words) {
    const entity = entityOf(words);
    const column = snakeCase(subject(withoutEntity(words, entity), 'notes').slice(0, 2));
    return [
      `Add the column \`${column}\` to \`${entity.table}\` and read it in the list query:`,
      fence('sql', `ALTER TABLE ${entity.table} ADD COLUMN IF NOT EXISTS ${column} ${columnType(column)};\n\nSELECT ${[...entity.columns, column].join(', ')}\nFROM ${entity.table}\nORDER BY id DESC\nLIMIT 100;`),
      `Components that read \`list_${entity.table}\` pick the column up on the next run; add it to the table's columns to show it.`,
    ].join('\n\n');
  },
  debug_autofix(prompt, words) {
    const entity = entityOf(words);
    const component = /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b|\b[a-z]+\d+\b/.exec(prompt)?.[0] ?? `${camelCase([entity.table])}Table`;
    return [
      `**Cause:** \`${component}\` reads \`data\` before its query has finished, so it gets \`undefined\` on the first render.`,
      '**Fix:** fall back to an empty list until the query has data:',
      fence('javascript', `{{ queries.list_${entity.table}.data ?? [] }}`),
      'If the error persists, open the query panel and check that the query runs on page load.',
    ].join('\n\n');
  },
  docs_assistant(prompt, words) {
    const topic = titleCase(subject(words, 'components'));
    return [
      `**${topic}** in short:`,
      `1. Select the component or query on the canvas; its settings open in the right panel.`,
      `2. Values in \`{{ }}\` are JavaScript and can read any component (\`textInput1.value\`) or query (\`query1.data\`).`,
      `3. Use **Event handlers** to run queries, open modals or show notifications when something happens.`,
      `See the docs page for ${topic.toLowerCase()} for every property.`,
    ].join('\n');
  },
  sql_generation(prompt, words) {
    const [sql, description] = sqlFor(prompt, entityOf(words));
    return [fence('sql', sql), description].join('\n\n');
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
