import * as models from 'gpt-tokenizer/models';
import { fromMillicredits, type Estimate, type OperationType } from '../../contract/index.js';
import {
  capContext,
  contextWindowOf,
  estimateOperation,
  HISTORY_WINDOW,
  MIN_HISTORY,
  type CatalogAverages,
  type ChatMessage,
  type CreditEstimate,
  type CreditRates,
  type ModelPrice,
  type PriceTable,
} from '../ai/index.js';
import { bareModelId } from '../ai/model-id.js';
import { ApiError } from '../errors.js';
import type { BuilderContext } from '../ledger/ledger.js';
import type { ResolvedProvider } from './provider-resolver.js';

/** Output tokens kept free of context in the model's window (a quarter of small windows). */
const OUTPUT_ROOM_TOKENS = 4_096;
/** The output limit of models gpt-tokenizer has no data for (Claude, Grok, local models). */
const DEFAULT_MAX_OUTPUT_TOKENS = 8_192;

/** What an operation will send, to which model, and what it is expected to cost. */
export interface OperationPlan {
  operation: OperationType;
  target: ResolvedProvider;
  price: ModelPrice;
  system: string;
  /** the conversation capped to the model's window, oldest first, the new prompt last */
  messages: ChatMessage[];
  inputTokens: number;
  estimate: CreditEstimate;
}

export interface PlanDeps {
  prices: PriceTable;
  rates: CreditRates;
  /** the workspace's and the instance's answers so far (the ai_requests table) */
  requests: {
    outputHistory(workspaceId: string, operation: OperationType, limit: number): Promise<number[]>;
    instanceUsage(operation: OperationType, model: string, limit: number): Promise<{ inputTokens: number; outputTokens: number }[]>;
  };
  /** estimate from the instance's history while the workspace's own is short (default true) */
  instanceEstimates?: boolean;
  /** the configured catalog, learned from as operations settle; default the built-in averages */
  catalog?: { averages: CatalogAverages; observe(): void };
}

/** The most output tokens a model gives in one answer. */
export function maxOutputTokensOf(model: string): number {
  const spec = (models as Record<string, { max_output_tokens?: number } | undefined>)[bareModelId(model)];
  return spec?.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
}

/**
 * The workspace's output history that `planOperation` estimates from, read now: the pipeline
 * reads it while the idempotency key is claimed, so the plan does not wait for it. An unread
 * failure is not unhandled; `planOperation` rethrows it.
 */
export function readOutputHistory(deps: PlanDeps, ctx: BuilderContext, operation: OperationType): Promise<number[]> {
  const history = deps.requests.outputHistory(ctx.workspaceId, operation, HISTORY_WINDOW);
  history.catch(() => {});
  return history;
}

/**
 * Caps the conversation to the model's window (dropping the oldest exchanges), counts the
 * input tokens of what will be sent, and estimates the cost from the workspace's history.
 * A prompt that alone does not fit the window is a 400.
 */
export async function planOperation(
  deps: PlanDeps,
  ctx: BuilderContext,
  target: ResolvedProvider,
  input: { operation: OperationType; system: string; messages: readonly ChatMessage[]; outputHistory?: Promise<number[]> },
): Promise<OperationPlan> {
  const window = contextWindowOf(target.model);
  const maxInput = window - Math.min(OUTPUT_ROOM_TOKENS, Math.floor(window / 4));
  const capped = capContext(target.model, input, maxInput);
  if (!capped.fits) {
    throw new ApiError('invalid_input', `prompt: too long for the model's context window (${capped.inputTokens} tokens, at most ${maxInput})`, {
      field: 'prompt',
    });
  }
  const price = deps.prices.priceOf(target.model);
  const outputHistory = await (input.outputHistory ?? readOutputHistory(deps, ctx, input.operation));
  // a workspace short of history of its own learns from the instance's, on the same model
  const instanceHistory =
    outputHistory.length < MIN_HISTORY && deps.instanceEstimates !== false
      ? (await deps.requests.instanceUsage(input.operation, target.model, HISTORY_WINDOW)).map((u) => u.outputTokens)
      : [];
  deps.catalog?.observe();
  const estimate = estimateOperation({
    operation: input.operation,
    inputTokens: capped.inputTokens,
    price,
    rates: deps.rates,
    outputHistory,
    instanceHistory,
    averageCredits: deps.catalog?.averages[input.operation],
  });
  return { operation: input.operation, target, price, system: input.system, messages: capped.messages, inputTokens: capped.inputTokens, estimate };
}

/** The contract's Estimate of a plan, in credits. */
export function estimateOf(plan: Pick<OperationPlan, 'estimate'>): Estimate {
  const e = plan.estimate;
  return {
    operation: e.operation,
    expected: fromMillicredits(e.expectedMillicredits),
    max: fromMillicredits(e.maxMillicredits),
    inputTokens: e.inputTokens,
    basis: e.basis,
  };
}
