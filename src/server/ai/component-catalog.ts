/**
 * The builder's component catalog, as app-builder assistants are sent it: every component with
 * its properties (the common ones listed with each) and events. Part of the builder context
 * (builder-context.ts).
 */

interface PropDoc {
  name: string;
  type: string;
  doc: string;
}

interface ComponentDoc {
  type: string;
  summary: string;
  props: readonly PropDoc[];
  events: readonly string[];
}

const p = (name: string, type: string, doc: string): PropDoc => ({ name, type, doc });

/** Properties every component has; the catalog lists them with each component, as builders' docs do. */
const COMMON_PROPS: readonly PropDoc[] = [
  p('id', 'string', 'unique within the app, camelCase, referenced in bindings as `{{ id.property }}`'),
  p('visible', 'boolean | binding', 'hides the component and its space when false; default true'),
  p('disabled', 'boolean | binding', 'greys the component out and ignores input; default false'),
  p('tooltip', 'string', 'shown on hover and on keyboard focus'),
  p('position', '{ x: number, y: number, w: number, h: number }', 'grid cell of the top left corner and the size in grid units (12 columns, rows of 10 px)'),
  p('style', '{ background?: color, color?: color, borderRadius?: number, borderColor?: color, boxShadow?: string, padding?: number }', 'colors take theme tokens (`primary`, `surface`, `muted`) or CSS colors'),
  p('loadingState', 'boolean | binding', 'shows a skeleton while true, usually `{{ queries.x.isLoading }}`'),
  p('hideOnMobile', 'boolean', 'leaves the component out of the stacked layout below 640 px'),
  p('ariaLabel', 'string', 'the accessible name when the visible label is not enough'),
  p('testId', 'string', 'a stable `data-testid` for end-to-end tests'),
  p('cssClass', 'string', 'extra class names for the app\'s custom CSS'),
  p('allowedGroups', 'string[]', 'only users of these groups see the component; default everyone'),
];

const COMPONENTS: readonly ComponentDoc[] = [
  {
    type: 'table',
    summary: 'Rows of a query or an array, with sorting, filtering, pagination, row selection, inline editing and actions per row.',
    props: [
      p('data', 'binding to an array', 'the rows, usually `{{ queries.list_x.data }}`'),
      p('columns', 'Array<{ key: string, label?: string, type?: "text"|"number"|"currency"|"date"|"badge"|"link"|"image"|"boolean", editable?: boolean, width?: number }>', 'shown in this order; unlisted keys are hidden'),
      p('pageSize', 'number', 'rows per page; 0 shows all; default 20'),
      p('serverSidePagination', 'boolean', 'passes `{{ table.pageIndex }}` and `{{ table.pageSize }}` to the query instead of paging in the browser'),
      p('selectionMode', '"none" | "single" | "multiple"', 'how rows are selected; `selectedRow` and `selectedRows` hold them'),
      p('actions', 'Array<{ label: string, onClick: handler, variant?: "primary"|"danger" }>', 'buttons in a column at the end of each row; the row is `{{ currentRow }}`'),
      p('emptyText', 'string', 'shown when there are no rows'),
      p('searchable', 'boolean', 'adds a search box filtering the loaded rows'),
    ],
    events: ['onRowClick', 'onRowSelect', 'onCellEdit', 'onPageChange', 'onSortChange'],
  },
  {
    type: 'form',
    summary: 'A group of inputs with validation and one submit action; its `data` is an object of the inputs by name.',
    props: [
      p('fields', 'Array<string | { name: string, label?: string, type?: "text"|"number"|"email"|"date"|"select"|"textarea"|"checkbox", required?: boolean, options?: binding }>', 'the inputs, in order'),
      p('initialData', 'binding to an object', 'fills the inputs, e.g. `{{ table.selectedRow }}`'),
      p('submitText', 'string', 'the submit button label; default "Submit"'),
      p('resetAfterSubmit', 'boolean', 'clears the inputs after a successful submit'),
      p('validation', 'Record<string, { pattern?: string, min?: number, max?: number, message: string }>', 'checked before submit; messages show under the inputs'),
    ],
    events: ['onSubmit', 'onChange', 'onReset'],
  },
  {
    type: 'textinput',
    summary: 'One line of text; `value` holds what was typed.',
    props: [
      p('label', 'string', 'shown above the input'),
      p('placeholder', 'string', 'shown while empty'),
      p('defaultValue', 'string | binding', 'the value on page load'),
      p('debounceMs', 'number', 'waits this long after typing before `onChange`; default 300'),
    ],
    events: ['onChange', 'onEnter', 'onFocus', 'onBlur'],
  },
  {
    type: 'select',
    summary: 'A drop-down of options; `value` holds the chosen one, `selectedOption` the whole option.',
    props: [
      p('options', 'binding to an array', 'the options, e.g. `{{ queries.list_statuses.data }}`'),
      p('labelKey', 'string', 'the option field shown; default "label"'),
      p('valueKey', 'string', 'the option field used as value; default "value"'),
      p('multiple', 'boolean', 'allows several values; `value` is then an array'),
      p('placeholder', 'string', 'shown while nothing is chosen'),
    ],
    events: ['onChange'],
  },
  {
    type: 'datepicker',
    summary: 'A date or a date range; `value` is an ISO date, `startDate` and `endDate` for ranges.',
    props: [
      p('mode', '"single" | "range"', 'one date or a range'),
      p('format', 'string', 'display format, e.g. "MMM d, yyyy"'),
      p('minDate', 'string | binding', 'earliest date allowed'),
      p('maxDate', 'string | binding', 'latest date allowed'),
    ],
    events: ['onChange'],
  },
  {
    type: 'button',
    summary: 'Runs its click handler: a query, a page navigation, a modal, custom JavaScript.',
    props: [
      p('text', 'string', 'the label'),
      p('variant', '"primary" | "secondary" | "danger" | "link"', 'its look; default "primary"'),
      p('icon', 'string', 'an icon name from the icon set, shown before the text'),
      p('confirm', 'string', 'asks this question before the handler runs'),
    ],
    events: ['onClick'],
  },
  {
    type: 'text',
    summary: 'Markdown text; bindings inside `{{ }}` are evaluated.',
    props: [
      p('value', 'string', 'the Markdown'),
      p('align', '"left" | "center" | "right"', 'text alignment'),
      p('size', '"sm" | "md" | "lg" | "xl"', 'text size'),
    ],
    events: [],
  },
  {
    type: 'chart',
    summary: 'Line, bar, area, pie or scatter chart of a query or an array.',
    props: [
      p('chartType', '"line" | "bar" | "area" | "pie" | "scatter"', 'the kind of chart'),
      p('data', 'binding to an array', 'the points, one object per point'),
      p('xKey', 'string', 'the field on the x axis (the slice label for pie)'),
      p('yKeys', 'string[]', 'the fields plotted, one series each'),
      p('stacked', 'boolean', 'stacks bar and area series'),
      p('legend', '"top" | "bottom" | "none"', 'where the legend goes'),
    ],
    events: ['onPointClick'],
  },
  {
    type: 'stat',
    summary: 'One figure with a label and a change against a previous value (a KPI card).',
    props: [
      p('label', 'string', 'what the figure is'),
      p('value', 'binding', 'the figure'),
      p('previousValue', 'binding', 'shows the change in percent when set'),
      p('format', '"number" | "currency" | "percent"', 'how the figure is shown'),
    ],
    events: [],
  },
  {
    type: 'container',
    summary: 'Groups components; lays them out as a grid or a stack, with its own scroll.',
    props: [
      p('layout', '"grid" | "stack" | "row"', 'how children are placed'),
      p('columns', 'number', 'grid columns of the container; default 12'),
      p('gap', 'number', 'space between children in px'),
      p('responsive', '{ below: number, columns: number }', 'columns under a viewport width in px'),
      p('children', 'string[]', 'ids of the components inside, in order'),
    ],
    events: [],
  },
  {
    type: 'tabs',
    summary: 'Tabs, each showing its own components; `currentTab` holds the open one.',
    props: [
      p('tabs', 'Array<{ id: string, title: string, children: string[] }>', 'the tabs and their components'),
      p('defaultTab', 'string', 'the tab open on page load'),
    ],
    events: ['onTabChange'],
  },
  {
    type: 'modal',
    summary: 'A dialog opened by `openModal(id)` and closed by `closeModal(id)` or Escape.',
    props: [
      p('title', 'string', 'the heading'),
      p('size', '"sm" | "md" | "lg" | "fullscreen"', 'its width'),
      p('children', 'string[]', 'ids of the components inside'),
      p('closeOnBackdrop', 'boolean', 'closes on a click outside; default true'),
    ],
    events: ['onOpen', 'onClose'],
  },
  {
    type: 'badge',
    summary: 'A short status label with a color per value.',
    props: [
      p('value', 'binding', 'the status'),
      p('colors', 'Record<string, color>', 'the color of each value, e.g. { "paid": "green", "overdue": "red" }'),
    ],
    events: [],
  },
  {
    type: 'fileupload',
    summary: 'Picks or drops files; `files` holds name, type, size and base64 content.',
    props: [
      p('accept', 'string', 'MIME types or extensions, e.g. ".csv,text/csv"'),
      p('maxSizeMb', 'number', 'larger files are refused with a message'),
      p('multiple', 'boolean', 'allows several files'),
      p('parseCsv', 'boolean', 'parses CSV files into `parsedData` rows'),
    ],
    events: ['onFileSelected', 'onError'],
  },
  {
    type: 'image',
    summary: 'An image from a URL or a binding, with a fallback.',
    props: [
      p('src', 'string | binding', 'the URL'),
      p('alt', 'string', 'the text alternative, required for accessibility'),
      p('fit', '"cover" | "contain"', 'how it fills its box'),
    ],
    events: ['onClick'],
  },
  {
    type: 'kanban',
    summary: 'Cards in columns by a status field; dragging a card changes its status.',
    props: [
      p('data', 'binding to an array', 'the cards'),
      p('groupKey', 'string', 'the field the columns are made of'),
      p('columns', 'Array<{ value: string, title: string }>', 'the columns, in order'),
      p('titleKey', 'string', 'the field shown as card title'),
    ],
    events: ['onCardMove', 'onCardClick'],
  },
  {
    type: 'map',
    summary: 'Points on a map from latitude and longitude fields.',
    props: [
      p('data', 'binding to an array', 'the points'),
      p('latKey', 'string', 'the latitude field'),
      p('lngKey', 'string', 'the longitude field'),
      p('zoom', 'number', 'initial zoom, 1 to 18'),
    ],
    events: ['onMarkerClick'],
  },
  {
    type: 'pdf',
    summary: 'Shows a PDF from a URL or base64 data, or generates one from a template.',
    props: [
      p('src', 'string | binding', 'the PDF'),
      p('template', 'string', 'HTML-like template with bindings to generate the PDF from'),
      p('showDownload', 'boolean', 'adds a download button'),
    ],
    events: ['onGenerated'],
  },
  {
    type: 'numberinput',
    summary: 'A number with optional bounds, step and currency or percent formatting; `value` is a number or null.',
    props: [
      p('label', 'string', 'shown above the input'),
      p('min', 'number', 'smallest value accepted'),
      p('max', 'number', 'largest value accepted'),
      p('step', 'number', 'the increment of the arrows and arrow keys; default 1'),
      p('format', '"number" | "currency" | "percent"', 'how the value is shown while not focused'),
      p('currency', 'string', 'ISO 4217 code for the currency format, e.g. "EUR"'),
    ],
    events: ['onChange', 'onBlur'],
  },
  {
    type: 'checkbox',
    summary: 'A yes/no choice; `value` is true or false.',
    props: [p('label', 'string', 'the text beside the box'), p('defaultValue', 'boolean | binding', 'checked on page load when true')],
    events: ['onChange'],
  },
  {
    type: 'radiogroup',
    summary: 'One choice out of a few visible options; `value` holds it.',
    props: [
      p('options', 'Array<{ label: string, value: string }> | binding', 'the options, in order'),
      p('direction', '"horizontal" | "vertical"', 'how the options are laid out'),
    ],
    events: ['onChange'],
  },
  {
    type: 'richtexteditor',
    summary: 'Formatted text with headings, lists, links and images; `value` is HTML, `markdown` the same as Markdown.',
    props: [
      p('defaultValue', 'string | binding', 'the content on page load'),
      p('toolbar', 'string[]', 'the tools shown, e.g. ["bold", "italic", "link", "list"]'),
      p('maxLength', 'number', 'characters allowed'),
    ],
    events: ['onChange', 'onBlur'],
  },
  {
    type: 'listview',
    summary: 'Repeats a template of components for each item of an array; inside it, `{{ listItem }}` and `{{ listIndex }}` are the item and its index.',
    props: [
      p('data', 'binding to an array', 'the items'),
      p('template', 'string[]', 'ids of the components repeated per item'),
      p('rowHeight', 'number', 'height of one item in grid rows'),
      p('emptyText', 'string', 'shown when there are no items'),
    ],
    events: ['onItemClick'],
  },
  {
    type: 'steps',
    summary: 'A wizard of steps with next and back; `currentStep` holds the open one.',
    props: [
      p('steps', 'Array<{ id: string, title: string, children: string[], validate?: binding }>', 'the steps and their components'),
      p('linear', 'boolean', 'next is enabled only when the current step validates'),
    ],
    events: ['onStepChange', 'onFinish'],
  },
  {
    type: 'calendar',
    summary: 'Events on a month, week or day view; dragging an event changes its dates.',
    props: [
      p('data', 'binding to an array', 'the events'),
      p('startKey', 'string', 'the field with the start'),
      p('endKey', 'string', 'the field with the end'),
      p('titleKey', 'string', 'the field shown on the event'),
      p('view', '"month" | "week" | "day"', 'the view on page load'),
    ],
    events: ['onEventClick', 'onEventMove', 'onSlotSelect'],
  },
  {
    type: 'iframe',
    summary: 'Embeds another page by URL in a sandbox.',
    props: [
      p('src', 'string | binding', 'the URL; only https URLs on the allow list load'),
      p('sandbox', 'string', 'the iframe sandbox flags; default "allow-scripts allow-forms"'),
    ],
    events: ['onLoad'],
  },
];

function componentDoc(c: ComponentDoc): string {
  const props = [...c.props, ...COMMON_PROPS].map((prop) => `  - \`${prop.name}\`: ${prop.type}. ${prop.doc}.`).join('\n');
  const events = c.events.length ? `\n  Events: ${c.events.map((e) => `\`${e}\``).join(', ')}.` : '';
  return `### ${c.type}\n${c.summary}\n  Properties:\n${props}${events}`;
}

/** The builder's component catalog, every component with its properties and events. */
export const COMPONENT_CATALOG = `## Component catalog\n${COMPONENTS.map(componentDoc).join('\n')}`;

/** The catalog entries of the components a question involves. */
export function catalogOf(types: readonly string[]): string {
  return `## Components involved\n${COMPONENTS.filter((c) => types.includes(c.type)).map(componentDoc).join('\n')}`;
}
