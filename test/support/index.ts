export { FakeUpstream, sseEvent } from './fake-upstream.js';
export type { Dialect, FakeReply, PlannedReply, RecordedRequest, StreamFault, StreamScript, StructuredAsk } from './fake-upstream.js';
export { openAiDialect, startFakeOpenAI } from './fake-openai.js';
export { anthropicDialect, startFakeAnthropic } from './fake-anthropic.js';
export { FakeStripe, parseStripeForm } from './fake-stripe.js';
