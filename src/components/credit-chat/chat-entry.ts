import type { Estimate, Feedback, Message, OperationType, Receipt } from '../../contract/index.js';
import type { CreditMarkdown } from '../credit-markdown/credit-markdown.js';

/** Why an answer did not complete, as the builder is told. */
export interface AnswerFailure {
  code: string;
  message: string;
  /** credits charged for what was produced before the failure; 0: not charged */
  charged: number;
}

/** One message of the conversation as the element keeps it. */
export interface ChatEntry {
  /** stable key for rendering: the server's message id once known */
  id: string;
  role: 'user' | 'assistant';
  operation: OperationType;
  content: string;
  status: Message['status'];
  receipt: Receipt | null;
  createdAt: string;
  /** assistant: the prompt it answers, for Retry */
  prompt?: string;
  /** assistant: the estimate the server reserved against */
  estimate?: Pick<Estimate, 'expected' | 'max'>;
  failure?: AnswerFailure;
  /** assistant: the `<credit-markdown>` showing it, made when first shown */
  view?: CreditMarkdown;
  /** the message it follows, from the server */
  parentId?: string | null;
  /** the ids of the versions at its place, oldest first (itself among them) */
  versions?: string[];
  /** assistant: the builder's 👍/👎 */
  feedback?: Feedback | null;
}

let sequence = 0;

export function localId(): string {
  sequence += 1;
  return `local-${Date.now().toString(36)}-${sequence}`;
}

/** A fresh idempotency key: 128 random bits as hex (no secure context needed, unlike randomUUID). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function entryFromMessage(message: Message): ChatEntry {
  return { ...message };
}

export function messageFromEntry(entry: ChatEntry): Message {
  const { id, role, operation, content, status, receipt, createdAt, parentId, versions, feedback } = entry;
  const message: Message = { id, role, operation, content, status, receipt, createdAt };
  if (parentId !== undefined) message.parentId = parentId;
  if (versions) message.versions = versions;
  if (feedback !== undefined) message.feedback = feedback;
  return message;
}

/**
 * The server's messages of a conversation as entries, keeping what the element knew of the
 * same messages (the answer's view, its estimate and failure, the prompt it answers).
 */
export function mergeEntries(messages: Message[], known: readonly ChatEntry[]): ChatEntry[] {
  const byId = new Map(known.map((entry) => [entry.id, entry]));
  let prompt: string | undefined;
  return messages.map((message) => {
    const old = byId.get(message.id);
    const entry: ChatEntry = { ...message };
    if (message.role === 'user') prompt = message.content;
    else if (prompt !== undefined) entry.prompt = prompt;
    if (old) {
      if (old.view && old.content === message.content) entry.view = old.view;
      if (old.estimate) entry.estimate = old.estimate;
      if (old.failure) entry.failure = old.failure;
    }
    return entry;
  });
}

/** Whether the server knows this entry (a message that failed before it was reserved does not). */
export function isServerMessage(entry: ChatEntry): boolean {
  return !entry.id.startsWith('local-');
}
