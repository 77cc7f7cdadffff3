import type { ChatProvider, GenerationParams, ProviderEvent, ProviderRequest } from '../ai/index.js';
import { ApiError } from '../errors.js';
import { ToolCallLog, type GatewayChat } from './openai-wire.js';

/**
 * The workspace's provider as a gateway request asks it: the client's system text, turns
 * and parameters replace what the metering plan counted, `model` is the one asked for, and
 * the tool calls and log probabilities that pass are kept for the completion's summary.
 * The metered run sees a provider like any other: deltas, then the usage, which counts
 * tool call arguments as output.
 */
export class GatewayProvider implements ChatProvider {
  readonly name: string;
  readonly log = new ToolCallLog();
  private readonly params: GenerationParams;

  constructor(
    private readonly inner: ChatProvider,
    readonly model: string,
    private readonly call: GatewayChat['call'],
  ) {
    this.name = inner.name;
    if (inner.name === 'anthropic' && call.params.logprobs) {
      throw new ApiError('invalid_input', 'logprobs: not available for this model', { field: 'logprobs' });
    }
    this.params = model === inner.model ? call.params : { ...call.params, model };
  }

  async *stream(request: ProviderRequest): AsyncGenerator<ProviderEvent> {
    for await (const event of this.inner.stream({ ...request, system: this.call.system, params: this.params })) {
      if (event.type === 'delta') this.log.add(event);
      // a tool call's arguments travel as the text the metered run counts when it is stopped
      // mid-call (the content of the completion is the log's): a stopped call is output, charged
      if (event.type === 'delta' && event.toolCalls?.length) yield { ...event, text: event.toolCalls.map((call) => call.arguments ?? '').join('') };
      else yield event;
    }
  }
}
