import type { OperationType } from '../../contract/index.js';
import { systemPromptFor } from '../ai/index.js';
import type { BuilderContext } from '../ledger/ledger.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import { planOperation, type OperationPlan } from '../metering/operation-plan.js';
import type { ResolvedProvider } from '../metering/provider-resolver.js';

/**
 * The plan of a builder's prompt as /estimate and /chat both see it: the operation's system
 * prompt, the conversation's earlier exchanges (404 when it is not the builder's) and the
 * prompt, capped to the model's window and estimated.
 */
export async function planChat(
  ai: AiRuntime,
  ctx: BuilderContext,
  target: ResolvedProvider,
  input: { operation: OperationType; prompt: string; conversationId?: string },
): Promise<OperationPlan> {
  const history = input.conversationId ? await ai.conversations.context(ctx, input.conversationId) : [];
  return planOperation(ai, ctx, target, {
    operation: input.operation,
    system: systemPromptFor(input.operation, target.model),
    messages: [...history, { role: 'user', content: input.prompt }],
  });
}
