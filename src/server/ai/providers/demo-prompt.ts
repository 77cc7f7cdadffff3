// What the demo model reads in a builder's prompt: its meaningful words, the table it is about
// and the names made from them. Deterministic, so the same prompt gets the same answer.

const STOP_WORDS = new Set(
  `a an the and or but of for to in on at by with from into onto as is are be been was were it its this that these those
  i we you my our your me us please can could would should will shall do does did how what which who why when where
  build create make generate add write show give get set need want new app application page pages feature query queries
  sql code table list all some any me let lets using use so then than just also like into about more most
  work works working there here has have had not only each every`.split(/\s+/),
);

export interface Entity {
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
export function keywords(prompt: string): string[] {
  const words = prompt.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2').toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 2 && !STOP_WORDS.has(w) && !/^\d+$/.test(w)))];
}

const ACRONYMS = new Set(['csv', 'pdf', 'api', 'sql', 'ui', 'id', 'url', 'json', 'kpi', 'crm', 'hr']);

export function titleCase(words: readonly string[]): string {
  return words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
}

export function snakeCase(words: readonly string[]): string {
  return words.join('_').replace(/[^\p{L}\p{N}_]/gu, '');
}

export function camelCase(words: readonly string[]): string {
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** The table the prompt is about: a known entity it names, else its first plural-looking word. */
export function entityOf(words: readonly string[]): Entity {
  for (const word of words) {
    const known = KNOWN_ENTITIES.find((e) => e.table === word || e.table === `${word}s` || e.table.replace(/s$/, '') === word);
    if (known) return known;
  }
  const plural = words.find((w) => w.endsWith('s') && !w.endsWith('ss')) ?? words[0] ?? 'records';
  return { table: snakeCase([plural]), columns: ['id', 'name', 'status', 'created_at', 'updated_at'], measure: 'amount' };
}

export function withoutEntity(words: readonly string[], entity: Entity): string[] {
  return words.filter((w) => w !== entity.table && `${w}s` !== entity.table);
}

export function subject(words: readonly string[], fallback: string): string[] {
  return words.length ? words.slice(0, 3) : [fallback];
}
