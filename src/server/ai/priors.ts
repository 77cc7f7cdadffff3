/**
 * Where an estimate's expected output comes from, most specific first:
 * 1. the workspace's own history of the operation type (its apps, its builders' habits);
 * 2. this instance's history of the type on the same model, every workspace's answers
 *    (so a new workspace, or a type it has not used yet, is estimated from what the
 *    model really answers here), topped with the workspace's own few answers;
 * 3. the configured catalog average, when the instance has no history of its own yet.
 * Pure: the caller reads the histories.
 */
import { withoutSnapshot, bareModelId } from './model-id.js';

/** Settled operations a history needs before it replaces the next prior. */
export const MIN_HISTORY = 5;
/** Only the most recent settled operations count, so estimates follow use that changes. */
export const HISTORY_WINDOW = 50;

export type PriorSource = 'workspace' | 'instance' | 'catalog';

export interface OutputHistories {
  /** output tokens of the workspace's latest complete answers of the type, oldest first */
  workspace: readonly number[];
  /** output tokens of the instance's latest complete answers of the type on the model, oldest first */
  instance?: readonly number[];
}

export interface OutputPrior {
  source: PriorSource;
  /** the output tokens to learn from (empty for the catalog), oldest first */
  samples: number[];
}

/** The history an estimate learns from, or the catalog when there is not enough of any. */
export function outputPrior(histories: OutputHistories): OutputPrior {
  const own = histories.workspace.slice(-HISTORY_WINDOW);
  if (own.length >= MIN_HISTORY) return { source: 'workspace', samples: own };
  const instance = (histories.instance ?? []).slice(-HISTORY_WINDOW);
  if (instance.length >= MIN_HISTORY) {
    // the workspace's own answers are the newest and the closest to what it asks next
    return { source: 'instance', samples: [...instance.slice(Math.max(0, instance.length - (HISTORY_WINDOW - own.length))), ...own] };
  }
  return { source: 'catalog', samples: [] };
}

/**
 * One name per model, so that answers a provider reports under a dated snapshot
 * (`gpt-4o-mini-2024-07-18`) or a vendor prefix count for the model that was asked for.
 */
export function modelFamily(model: string): string {
  return withoutSnapshot(bareModelId(model));
}

/** A POSIX regular expression matching the ids a provider reports for the family of `model`. */
export function modelFamilyPattern(model: string): string {
  const family = modelFamily(model).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^([^/]*/)?${family}(-([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{8}))?$`;
}
