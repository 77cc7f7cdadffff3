/** A model id without an OpenRouter-style vendor prefix (`openai/gpt-4o` → `gpt-4o`). */
export function bareModelId(model: string): string {
  return model.slice(model.lastIndexOf('/') + 1);
}

/** A model id without its dated snapshot suffix: `-2024-08-06` (OpenAI) or `-20250514` (Anthropic). */
export function withoutSnapshot(model: string): string {
  return model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
}
