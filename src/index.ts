export { CreditChat } from './components/credit-chat/credit-chat.js';
export { CreditBalance } from './components/credit-balance/credit-balance.js';
export { CreditMarkdown } from './components/credit-markdown/credit-markdown.js';
export { CreditElement, type TokenSource } from './components/shared/credit-element.js';
export { MarkdownStream, type MarkdownLabels } from './components/markdown/markdown-stream.js';
export { safeLinkUrl } from './components/markdown/safe-url.js';
export { CreditApiClient, CreditApiError, isAbortError, type ApiClientOptions, type ChatOutcome, type ChatStreamOptions } from './client/api-client.js';
export { readServerSentEvents, type ServerSentEvent } from './client/sse.js';
export {
  creditKeys,
  sharedQueryClient,
  applyBalance,
  balanceQueryOptions,
  operationsQueryOptions,
  estimateQueryOptions,
  chatMutationOptions,
  type ChatVariables,
} from './client/query.js';
export { syncBalanceAcrossTabs } from './client/balance-sync.js';
export { QueryController, MutationController } from './client/controllers.js';
export { defaultStrings, type CreditStrings } from './i18n/strings.js';
export * from './events/index.js';
export { defineCreditChatElements } from './define.js';
// The contract's types; its zod schemas (and the server) are in the package's `./contract` entry,
// so the browser bundle carries only the schemas the elements parse with.
export type * from './contract/index.js';
