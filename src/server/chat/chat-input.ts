import type { OperationType } from '../../contract/index.js';
import { systemPromptFor } from '../ai/index.js';
import type { BuilderContext } from '../ledger/ledger.js';
import type { AiRuntime } from '../metering/ai-runtime.js';
import { planOperation, type OperationPlan } from '../metering/operation-plan.js';
import type { ResolvedProvider } from '../metering/provider-resolver.js';
import type { Placement } from './conversations.js';

/**
 * The plan of a builder's prompt as /estimate and /chat both see it: the operation's system
 * prompt, the conversation's earlier exchanges on the branch where the prompt goes (404 when
 * the conversation or message is not the builder's) and the prompt (with `regenerateOf`, the
 * stored prompt of that answer), capped to the model's window and estimated.
 */
export async function planChat(
  ai: AiRuntime,
  ctx: BuilderContext,
  target: ResolvedProvider,
  input: { operation: OperationType; prompt?: string; conversationId?: string; regenerateOf?: string; editOf?: string; outputHistory?: Promise<number[]> },
): Promise<{ plan: OperationPlan; prompt: string; placement?: Placement }> {
  const placement = input.conversationId
    ? await ai.conversations.place(ctx, { conversationId: input.conversationId, regenerateOf: input.regenerateOf, editOf: input.editOf })
    : undefined;
  const prompt = placement?.prompt ?? input.prompt ?? '';
  const plan = await planOperation(ai, ctx, target, {
    operation: input.operation,
    system: systemPromptFor(input.operation, target.model),
    messages: [...(placement?.history ?? []), { role: 'user', content: prompt }],
    outputHistory: input.outputHistory,
  });
  return { plan, prompt, placement };
}
