import type { Estimate, Message, OperationType, Receipt } from '../../contract/index.js';
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
  const { id, role, operation, content, status, receipt, createdAt } = entry;
  return { id, role, operation, content, status, receipt, createdAt };
}
