import type { OperationType } from '../contract/index.js';

/**
 * Every user-facing string of the elements, in one place for translation. Amounts and dates
 * arrive already formatted for the element's `locale`; a translation replaces any of these
 * through the elements' `strings` property (a partial object is merged over these).
 */
export const defaultStrings = {
  // <credit-balance>
  creditsUnit: 'AI credits',
  balanceLoading: 'Loading AI credits',
  balanceUnavailable: 'AI credits unavailable',
  balanceLow: 'low',
  balanceChanged: (total: string) => `AI credits balance is now ${total}.`,
  breakdownTitle: 'AI credits',
  monthlyLabel: 'Monthly',
  monthlyValue: (available: string, allocated: string) => `${available} of ${allocated}`,
  renewsOn: (date: string) => `renews ${date}`,
  addonLabel: 'Add-on',
  validUntil: (date: string) => `valid until ${date}`,
  heldLabel: 'Held now',
  /** the builder's own limit this cycle */
  yourLimit: (used: string, limit: string) => `your limit: ${used} of ${limit} used`,
  /** <credit-balance> state tags and the threshold banner in <credit-chat> */
  stateWarning: 'running low',
  stateCritical: 'almost out',
  stateDepleted: 'out of credits',
  thresholdMonthly: (percent: string) => `${percent} % of this month's AI credits are used.`,
  thresholdAddon: (credits: string) => `Fewer than ${credits} add-on AI credits are left.`,
  thresholdDepleted: 'The AI credits are used up. Get more to keep going.',
  builderLimitReached: 'You have reached your AI credit limit for this month; your workspace admin can raise it.',
  byokActive: 'Using your own key',
  getCredits: 'Get AI credits',
  useOwnKey: 'Use your own key',

  // <credit-chat>: header and states
  chatTitle: 'AI assistant',
  loading: 'Loading…',
  loadFailed: (message: string) => `The assistant could not load: ${message}`,
  tryAgain: 'Try again',
  conversationLabel: 'Conversation',
  emptyTitle: 'What should we build?',
  emptyHint: 'Pick an operation and describe what you need. Try one of these:',
  showEarlier: (count: string) => `Show earlier messages (${count} hidden)`,
  you: 'You',
  assistant: 'Assistant',
  offline: 'You are offline. Sending resumes when the connection is back.',
  insufficient: (needed: string, available: string) =>
    `Not enough AI credits: this needs up to ${needed} and ${available} are available.`,
  rateLimited: (seconds: string) => `Too many requests. You can send again in ${seconds} s.`,
  dismiss: 'Dismiss',

  // composer
  operationLabel: 'Operation',
  operationOption: (label: string, credits: string) => `${label} · ≈ ${credits}`,
  promptLabel: 'Message the assistant',
  promptPlaceholder: 'Describe what you need (Enter sends, Shift+Enter adds a line)',
  send: 'Send',
  stop: 'Stop',
  estimate: (expected: string, max: string) => `≈ ${expected} credits, up to ${max}`,
  estimateAverage: (expected: string) => `≈ ${expected} credits on average`,
  estimating: 'Estimating…',
  estimateByok: 'Your own key pays: no credits',
  estimateOverBalance: 'more than your balance',

  // answers
  thinking: 'Thinking…',
  stopped: 'Stopped. Any charge for the partial answer shows in your balance.',
  providerFailedNotCharged: (message: string) => `The answer failed (${message}). You were not charged.`,
  providerFailedCharged: (message: string, charged: string) =>
    `The answer failed (${message}). ${charged} credits were charged for the part produced.`,
  connectionLost: 'The connection was lost before the answer finished.',
  sendFailed: (message: string) => `Not sent: ${message}`,
  retry: 'Retry',
  receiptCharged: (credits: string) => `Charged ${credits} credits`,
  receiptByok: 'Paid with your own key: no credits',
  receiptEstimate: (expected: string, max: string) => `estimate ≈ ${expected}, up to ${max}`,
  receiptSplit: (monthly: string, addon: string) => `${monthly} monthly + ${addon} add-on`,
  receiptTokens: (input: string, output: string) => `${input} tokens in, ${output} out`,
  receiptLabel: 'Receipt',

  // code blocks in answers
  codeLabel: (language: string) => language || 'code',
  copy: 'Copy',
  copied: 'Copied',
  copyFailed: 'Copy failed',
  insert: 'Insert',
  taskDone: 'done',
  taskOpen: 'not done',
  image: (alt: string) => `Image: ${alt || 'untitled'}`,

  // message actions
  messageActions: 'Message actions',
  copyAnswer: 'Copy answer',
  regenerate: 'Regenerate',
  regenerateConfirm: 'Regenerate now',
  regenerateCost: (estimate: string) => `Regenerate this answer: ${estimate}`,
  cancel: 'Cancel',
  previousVersion: 'Previous version',
  nextVersion: 'Next version',
  versionOf: (index: string, count: string) => `${index}/${count}`,
  versionLabel: (index: string, count: string) => `Version ${index} of ${count}`,
  feedbackUp: 'Good answer',
  feedbackDown: 'Bad answer',
  feedbackComment: 'What could be better? (optional)',
  feedbackSend: 'Send feedback',
  feedbackThanks: 'Thanks for the feedback',
  edit: 'Edit',
  editLabel: 'Edit your message',
  editSend: 'Send as a new branch',
  jumpToLatest: (count: string) => (count === '0' ? 'Jump to latest' : `Jump to latest (${count} new)`),
  actionFailed: (message: string) => `That did not work: ${message}`,

  // conversations
  conversations: 'Conversations',
  newConversation: 'New conversation',
  conversationsLoading: 'Loading conversations…',
  noConversations: 'No conversations yet',
  rename: 'Rename',
  renameLabel: 'New title',
  save: 'Save',
  deleteConversation: 'Delete',
  messageCount: (count: string) => `${count} messages`,
  close: 'Close',

  suggestions: {
    app_generation: ['An app to track customer orders with a dashboard', 'An employee onboarding checklist app'],
    new_feature: ['Add CSV export to the orders table', 'Add a search box that filters the list'],
    modify_layout: ['Put the filters in a sidebar on the left', 'Make the form two columns on wide screens'],
    modify_queries: ['Only load orders of the last 30 days', 'Add an index-friendly filter by status'],
    debug_autofix: ['The save button does nothing: fix it', 'The table shows undefined in the date column'],
    docs_assistant: ['How do I pass data between pages?', 'How do I schedule a workflow?'],
    sql_generation: ['Top 10 customers by revenue this year', 'Orders per day for the last week'],
    custom_code: ['A function that formats a phone number', 'Validate an IBAN in a form field'],
  } satisfies Record<OperationType, readonly string[]>,
};

export type CreditStrings = typeof defaultStrings;

/** The default strings with a translation's entries laid over them. */
export function mergeStrings(overrides: Partial<CreditStrings> | undefined): CreditStrings {
  return overrides ? { ...defaultStrings, ...overrides } : defaultStrings;
}
