import * as z from 'zod/mini';

/** The operation types a builder can ask for, in the order the picker shows them. */
export const OPERATION_TYPES = [
  'app_generation',
  'new_feature',
  'modify_layout',
  'modify_queries',
  'debug_autofix',
  'docs_assistant',
  'sql_generation',
  'custom_code',
] as const;

export const OperationType = z.enum(OPERATION_TYPES);
export type OperationType = z.infer<typeof OperationType>;

export const Operation = z.object({
  type: OperationType,
  label: z.string(),
  averageCredits: z.number(),
  /**
   * `configured`: the operator's catalog average; `learned`: what this instance really
   * charged on average for the type with the model in use (absent from older servers)
   */
  basis: z.optional(z.enum(['configured', 'learned'])),
});
export type Operation = z.infer<typeof Operation>;

export const OperationsResponse = z.object({ operations: z.array(Operation) });
export type OperationsResponse = z.infer<typeof OperationsResponse>;

/** The catalog: average credits shown to builders before they send. */
export const OPERATION_CATALOG: readonly Operation[] = [
  { type: 'app_generation', label: 'App generation', averageCredits: 100 },
  { type: 'new_feature', label: 'New feature in the app', averageCredits: 100 },
  { type: 'modify_layout', label: 'Modifying layout/UI', averageCredits: 50 },
  { type: 'modify_queries', label: 'Modifying queries/database', averageCredits: 30 },
  { type: 'debug_autofix', label: 'Debug components auto fix', averageCredits: 10 },
  { type: 'docs_assistant', label: 'AI docs assistant', averageCredits: 6 },
  { type: 'sql_generation', label: 'SQL query generation', averageCredits: 5 },
  { type: 'custom_code', label: 'Custom code generation', averageCredits: 2 },
];

export function catalogEntry(type: OperationType): Operation {
  const entry = OPERATION_CATALOG.find((op) => op.type === type);
  if (!entry) throw new RangeError(`unknown operation: ${type}`);
  return entry;
}
