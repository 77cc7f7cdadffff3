/**
 * A JSON value that matches a JSON schema, as a model that honours a schema would write:
 * every property present, the first choice of each `enum` / `anyOf`, the smallest allowed
 * number and array. Covers what zod's and OpenAI's strict schemas use ($ref into $defs,
 * nullable type lists, const, formats of dates and e-mail addresses).
 */
type Schema = Record<string, any> | boolean | undefined;

export function sampleOf(schema: Schema, root: Schema = schema, depth = 0): unknown {
  if (schema === undefined || typeof schema === 'boolean' || depth > 20) return {};
  if (typeof schema.$ref === 'string') return sampleOf(resolve(schema.$ref, root), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (Array.isArray(options) && options.length > 0) {
      const chosen = options.find((option) => typeof option !== 'object' || option?.type !== 'null') ?? options[0];
      return sampleOf(chosen, root, depth + 1);
    }
  }
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [schema.properties ? 'object' : 'string'];
  const type = types.find((t) => t !== 'null') ?? 'null';
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([name, property]) => [name, sampleOf(property, root, depth + 1)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sampleOf(schema.items, root, depth + 1));
    case 'integer':
      return Math.ceil(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1));
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1.5);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringOf(schema);
  }
}

function stringOf(schema: Record<string, any>): string {
  if (schema.format === 'date-time') return '2026-11-30T12:00:00.000Z';
  if (schema.format === 'date') return '2026-11-30';
  if (schema.format === 'email') return 'builder@example.com';
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/';
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  const text = 'sample text';
  return schema.minLength > text.length ? text.padEnd(schema.minLength, 'x') : text;
}

function resolve(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#') || typeof root !== 'object') return {};
  let node: any = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  return node;
}
