// The app the demo model generates for app_generation: an app spec over one table, its pages,
// components and queries named the way the builder's conventions name them.
import { camelCase, titleCase, type Entity } from './demo-prompt.js';

export type Component = { type: string; id: string } & Record<string, unknown>;
export type Query = { name: string; sql: string; runOnLoad?: boolean; transformer?: string };

export const at = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

export function singular(table: string): string {
  return table.replace(/ies$/, 'y').replace(/s$/, '');
}

export function columnKind(column: string): string {
  if (column === 'id') return 'link';
  if (/(_at|date|deadline)$/.test(column)) return 'date';
  if (/(amount|price|total|salary|budget|value)/.test(column)) return 'currency';
  if (/(status|priority|role|segment|method)/.test(column)) return 'badge';
  if (/(quantity|count|stock|hours)/.test(column)) return 'number';
  return 'text';
}

export function fieldType(column: string): string {
  if (/(_at|date|deadline)$/.test(column)) return 'date';
  if (/(amount|price|total|salary|budget|quantity|stock|count|hours)/.test(column)) return 'number';
  if (/email/.test(column)) return 'email';
  if (/(status|priority|role|department|method|warehouse|country)/.test(column)) return 'select';
  return 'text';
}

export function label(column: string): string {
  return titleCase(column.replace(/_id$/, '').split('_'));
}

export function statusColumn(entity: Entity): string {
  return entity.columns.find((c) => /status|priority|role|department|method|warehouse|country/.test(c)) ?? 'status';
}

export function dateColumn(entity: Entity): string {
  return entity.columns.find((c) => /_(at|date)$|deadline/.test(c)) ?? 'created_at';
}

/** The queries of a generated app over one table, the way the builder's conventions name them. */
export function appQueries(entity: Entity): Query[] {
  const t = entity.table;
  const one = singular(t);
  const cols = entity.columns;
  const edit = cols.filter((c) => c !== 'id');
  const status = statusColumn(entity);
  const date = dateColumn(entity);
  const form = `${camelCase([one])}Form`;
  return [
    {
      name: `list_${t}`,
      runOnLoad: true,
      sql: `SELECT ${cols.join(', ')}\nFROM ${t}\nWHERE ({{ searchInput.value }} = '' OR ${cols[1]}::text ILIKE '%' || {{ searchInput.value }} || '%')\n  AND ({{ ${status}Filter.value }} IS NULL OR ${status} = {{ ${status}Filter.value }})\nORDER BY ${date} DESC\nLIMIT {{ ${camelCase([t])}Table.pageSize }} OFFSET {{ ${camelCase([t])}Table.pageIndex * ${camelCase([t])}Table.pageSize }}`,
    },
    { name: `count_${t}`, runOnLoad: true, sql: `SELECT count(*) AS total\nFROM ${t}\nWHERE ({{ searchInput.value }} = '' OR ${cols[1]}::text ILIKE '%' || {{ searchInput.value }} || '%')` },
    { name: `get_${one}`, sql: `SELECT ${cols.join(', ')}\nFROM ${t}\nWHERE id = {{ page.params.id }}` },
    {
      name: `insert_${one}`,
      sql: `INSERT INTO ${t} (${edit.join(', ')})\nVALUES (${edit.map((c) => `{{ ${form}.data.${c} }}`).join(', ')})\nRETURNING id`,
    },
    {
      name: `update_${one}`,
      sql: `UPDATE ${t}\nSET ${edit.map((c) => `${c} = {{ ${form}.data.${c} }}`).join(',\n    ')}\nWHERE id = {{ page.params.id }}`,
    },
    { name: `delete_${one}`, sql: `DELETE FROM ${t}\nWHERE id = {{ page.params.id }}` },
    {
      name: `${t}_summary`,
      runOnLoad: true,
      sql: `SELECT count(*) FILTER (WHERE ${date} >= now() - interval '30 days') AS recent,\n       count(*) FILTER (WHERE ${date} < now() - interval '30 days') AS previous,\n       sum(${entity.measure}) FILTER (WHERE ${date} >= now() - interval '30 days') AS ${entity.measure}_recent,\n       count(DISTINCT ${status}) AS ${status}_count\nFROM ${t}\nWHERE ${date} >= now() - interval '60 days'`,
    },
    {
      name: `${t}_by_day`,
      runOnLoad: true,
      sql: `SELECT date_trunc('day', ${date})::date AS day, count(*) AS ${t}, sum(${entity.measure}) AS ${entity.measure}\nFROM ${t}\nWHERE ${date} >= now() - interval '30 days'\nGROUP BY 1\nORDER BY 1`,
    },
    { name: `${t}_by_${status}`, runOnLoad: true, sql: `SELECT ${status}, count(*) AS ${t}\nFROM ${t}\nGROUP BY ${status}\nORDER BY ${t} DESC` },
    { name: `top_${t}`, runOnLoad: true, sql: `SELECT ${cols.slice(0, 3).join(', ')}, ${entity.measure}\nFROM ${t}\nORDER BY ${entity.measure} DESC NULLS LAST\nLIMIT 10` },
    {
      name: `import_${t}`,
      sql: `INSERT INTO ${t} (${edit.join(', ')})\nSELECT ${edit.map((c) => `r.${c}`).join(', ')}\nFROM json_populate_recordset(NULL::${t}, {{ JSON.stringify(importUpload.parsedData) }}) AS r\nON CONFLICT (id) DO NOTHING\nRETURNING id`,
    },
    {
      name: `${one}_history`,
      sql: `SELECT changed_at, changed_by, field, old_value, new_value\nFROM audit_log\nWHERE table_name = '${t}' AND row_id = {{ page.params.id }}\nORDER BY changed_at DESC\nLIMIT 50`,
    },
  ];
}

/** The pages of a generated app over one table: list, detail, dashboard, import. */
export function appPages(name: string, entity: Entity): { name: string; path: string; components: Component[] }[] {
  const t = entity.table;
  const one = singular(t);
  const cols = entity.columns;
  const status = statusColumn(entity);
  const tableId = `${camelCase([t])}Table`;
  const form = `${camelCase([one])}Form`;
  const list: Component[] = [
    { type: 'text', id: 'title', value: `# ${name}`, size: 'xl', position: at(0, 0, 8, 5) },
    { type: 'textinput', id: 'searchInput', label: 'Search', placeholder: `Search ${t.replace(/_/g, ' ')}`, debounceMs: 300, position: at(0, 6, 4, 5) },
    { type: 'select', id: `${status}Filter`, label: label(status), options: `{{ queries.${t}_by_${status}.data.map((r) => ({ label: r.${status}, value: r.${status} })) }}`, placeholder: `Any ${status}`, position: at(4, 6, 3, 5) },
    {
      type: 'button',
      id: 'addButton',
      text: `New ${one.replace(/_/g, ' ')}`,
      icon: 'plus',
      onClick: [{ action: 'navigate', page: `${titleCase([one])} detail`, params: { id: 'new' } }],
      position: at(10, 6, 2, 5),
    },
    {
      type: 'table',
      id: tableId,
      data: `{{ queries.list_${t}.data }}`,
      loadingState: `{{ queries.list_${t}.isLoading }}`,
      serverSidePagination: true,
      pageSize: 25,
      selectionMode: 'single',
      emptyText: `No ${t.replace(/_/g, ' ')} match the search`,
      columns: cols.map((c) => ({ key: c, label: label(c), type: columnKind(c) })),
      actions: [
        { label: 'Open', onClick: [{ action: 'navigate', page: `${titleCase([one])} detail`, params: { id: '{{ currentRow.id }}' } }] },
        { label: 'Delete', variant: 'danger', onClick: [{ action: 'runQuery', name: `delete_${one}`, confirm: `Delete this ${one}?` }, { action: 'runQuery', name: `list_${t}` }] },
      ],
      onRowClick: [{ action: 'navigate', page: `${titleCase([one])} detail`, params: { id: '{{ currentRow.id }}' } }],
      position: at(0, 12, 12, 60),
    },
    { type: 'text', id: 'countText', value: `{{ queries.count_${t}.data[0].total }} ${t.replace(/_/g, ' ')}`, size: 'sm', align: 'right', position: at(8, 73, 4, 4) },
  ];
  const detail: Component[] = [
    { type: 'text', id: 'detailTitle', value: `## {{ page.params.id === 'new' ? 'New ${one.replace(/_/g, ' ')}' : queries.get_${one}.data[0].${cols[1]} }}`, position: at(0, 0, 8, 5) },
    {
      type: 'form',
      id: form,
      fields: cols
        .filter((c) => c !== 'id')
        .map((c) => ({ name: c, label: label(c), type: fieldType(c), required: c === cols[1], ...(fieldType(c) === 'select' ? { options: `{{ queries.${t}_by_${status}.data.map((r) => r.${status}) }}` } : {}) })),
      initialData: `{{ queries.get_${one}.data[0] ?? {} }}`,
      submitText: 'Save',
      validation: Object.fromEntries(
        cols.filter((c) => fieldType(c) === 'number').map((c) => [c, { min: 0, message: `${label(c)} cannot be negative` }]),
      ),
      onSubmit: [
        { action: 'runQuery', name: `{{ page.params.id === 'new' ? 'insert_${one}' : 'update_${one}' }}` },
        { action: 'showNotification', text: `${titleCase([one.replace(/_/g, ' ')])} saved`, type: 'success' },
        { action: 'navigate', page: titleCase([t.replace(/_/g, ' ')]) },
      ],
      position: at(0, 6, 7, 55),
    },
    {
      type: 'button',
      id: 'deleteButton',
      text: 'Delete',
      variant: 'danger',
      confirm: `Delete this ${one.replace(/_/g, ' ')}? This cannot be undone.`,
      visible: "{{ page.params.id !== 'new' }}",
      onClick: [{ action: 'runQuery', name: `delete_${one}` }, { action: 'navigate', page: titleCase([t.replace(/_/g, ' ')]) }],
      position: at(0, 62, 2, 5),
    },
    {
      type: 'table',
      id: 'historyTable',
      data: `{{ queries.${one}_history.data }}`,
      columns: [
        { key: 'changed_at', label: 'When', type: 'date' },
        { key: 'changed_by', label: 'Who' },
        { key: 'field', label: 'Field' },
        { key: 'old_value', label: 'Before' },
        { key: 'new_value', label: 'After' },
      ],
      pageSize: 10,
      emptyText: 'No changes yet',
      position: at(7, 6, 5, 55),
    },
  ];
  const dashboard: Component[] = [
    { type: 'stat', id: 'recentStat', label: `${titleCase([t.replace(/_/g, ' ')])}, 30 days`, value: `{{ queries.${t}_summary.data[0].recent }}`, previousValue: `{{ queries.${t}_summary.data[0].previous }}`, format: 'number', position: at(0, 0, 4, 12) },
    { type: 'stat', id: 'measureStat', label: `${label(entity.measure)}, 30 days`, value: `{{ queries.${t}_summary.data[0].${entity.measure}_recent }}`, format: 'currency', position: at(4, 0, 4, 12) },
    { type: 'stat', id: 'statusStat', label: `${label(status)} values`, value: `{{ queries.${t}_summary.data[0].${status}_count }}`, format: 'number', position: at(8, 0, 4, 12) },
    { type: 'chart', id: 'byDayChart', chartType: 'area', data: `{{ queries.${t}_by_day.data }}`, xKey: 'day', yKeys: [t], legend: 'none', position: at(0, 13, 8, 40) },
    { type: 'chart', id: 'byStatusChart', chartType: 'pie', data: `{{ queries.${t}_by_${status}.data }}`, xKey: status, yKeys: [t], legend: 'bottom', position: at(8, 13, 4, 40) },
    {
      type: 'table',
      id: 'topTable',
      data: `{{ queries.top_${t}.data }}`,
      columns: [...cols.slice(0, 3), entity.measure].map((c) => ({ key: c, label: label(c), type: columnKind(c) })),
      pageSize: 10,
      position: at(0, 54, 12, 40),
    },
  ];
  const importPage: Component[] = [
    { type: 'text', id: 'importHelp', value: `## Import ${t.replace(/_/g, ' ')}\nUpload a CSV with the columns ${cols.filter((c) => c !== 'id').map((c) => `\`${c}\``).join(', ')}. Rows whose id exists are skipped.`, position: at(0, 0, 12, 8) },
    { type: 'fileupload', id: 'importUpload', accept: '.csv,text/csv', maxSizeMb: 5, parseCsv: true, position: at(0, 9, 6, 10) },
    { type: 'table', id: 'previewTable', data: '{{ importUpload.parsedData?.slice(0, 20) ?? [] }}', columns: cols.map((c) => ({ key: c, label: label(c) })), pageSize: 0, emptyText: 'Choose a file to preview it', position: at(0, 20, 12, 40) },
    {
      type: 'button',
      id: 'importButton',
      text: 'Import',
      disabled: '{{ !importUpload.parsedData?.length }}',
      onClick: [
        { action: 'runQuery', name: `import_${t}` },
        { action: 'showNotification', text: `{{ queries.import_${t}.data.length }} ${t.replace(/_/g, ' ')} imported`, type: 'success' },
        { action: 'runQuery', name: `list_${t}` },
      ],
      position: at(0, 61, 2, 5),
    },
  ];
  const board: Component[] = [
    { type: 'text', id: 'boardTitle', value: `## ${titleCase([t.replace(/_/g, ' ')])} by ${status}`, position: at(0, 0, 8, 5) },
    {
      type: 'kanban',
      id: 'statusBoard',
      data: `{{ queries.list_${t}.data }}`,
      groupKey: status,
      columns: `{{ queries.${t}_by_${status}.data.map((r) => ({ value: r.${status}, title: r.${status} })) }}`,
      titleKey: cols[1],
      onCardMove: [{ action: 'runQuery', name: `update_${one}`, params: { id: '{{ card.id }}', [status]: '{{ toColumn.value }}' } }, { action: 'showNotification', text: 'Moved', type: 'info' }],
      onCardClick: [{ action: 'navigate', page: `${titleCase([one])} detail`, params: { id: '{{ card.id }}' } }],
      position: at(0, 6, 12, 70),
    },
  ];
  const report: Component[] = [
    { type: 'text', id: 'reportTitle', value: `## ${titleCase([t.replace(/_/g, ' ')])} report`, position: at(0, 0, 8, 5) },
    { type: 'datepicker', id: 'reportRange', mode: 'range', format: 'MMM d, yyyy', position: at(0, 6, 4, 5) },
    { type: 'select', id: 'reportGroup', label: 'Group by', options: [{ label: 'Day', value: 'day' }, { label: 'Week', value: 'week' }, { label: 'Month', value: 'month' }], position: at(4, 6, 3, 5) },
    { type: 'button', id: 'reportExport', text: 'Export CSV', icon: 'download', onClick: [{ action: 'download', data: `{{ queries.${t}_by_day.data }}`, fileName: `${t}-report.csv`, format: 'csv' }], position: at(10, 6, 2, 5) },
    { type: 'chart', id: 'reportChart', chartType: 'bar', data: `{{ queries.${t}_by_day.data }}`, xKey: 'day', yKeys: [t, entity.measure], stacked: false, legend: 'top', position: at(0, 12, 12, 40) },
    { type: 'table', id: 'reportTable', data: `{{ queries.${t}_by_day.data }}`, columns: [{ key: 'day', label: 'Day', type: 'date' }, { key: t, label: titleCase([t.replace(/_/g, ' ')]), type: 'number' }, { key: entity.measure, label: label(entity.measure), type: 'currency' }], pageSize: 31, position: at(0, 53, 12, 40) },
  ];
  const settings: Component[] = [
    { type: 'text', id: 'settingsTitle', value: '## Settings', position: at(0, 0, 8, 5) },
    {
      type: 'form',
      id: 'settingsForm',
      fields: [
        { name: 'default_page_size', label: 'Rows per page', type: 'number', required: true },
        { name: `default_${status}`, label: `Default ${status}`, type: 'select', options: `{{ queries.${t}_by_${status}.data.map((r) => r.${status}) }}` },
        { name: 'notify_email', label: 'Notify on changes', type: 'email' },
      ],
      initialData: '{{ app.variables.settings ?? { default_page_size: 25 } }}',
      submitText: 'Save settings',
      onSubmit: [{ action: 'script', code: 'setVariable("settings", settingsForm.data)' }, { action: 'showNotification', text: 'Settings saved', type: 'success' }],
      allowedGroups: ['admins'],
      position: at(0, 6, 6, 30),
    },
  ];
  return [
    { name: titleCase([t.replace(/_/g, ' ')]), path: `/${t}`, components: list },
    { name: `${titleCase([one])} detail`, path: `/${t}/:id`, components: detail },
    { name: 'Dashboard', path: '/dashboard', components: dashboard },
    { name: 'Import', path: '/import', components: importPage },
    { name: 'Board', path: '/board', components: board },
    { name: 'Report', path: '/report', components: report },
    { name: 'Settings', path: '/settings', components: settings },
  ];
}

export function appSpec(name: string, entity: Entity): { name: string; theme: object; pages: ReturnType<typeof appPages>; queries: Query[] } {
  return { name, theme: { primary: '#3b5bdb', mode: 'light' }, pages: appPages(name, entity), queries: appQueries(entity) };
}
