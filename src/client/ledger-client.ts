import type { CaptureRequest, ConversationPatch, CreateHoldRequest, DebitRequest, FeedbackRequest, UsageQuery } from '../contract/index.js';
import { answerJson, API_BASE, routePath, successStatus, type RouteCall, type SuccessBody } from '../contract/route-def.js';
import { getByok } from '../contract/routes-byok.js';
import { getConversation, listConversations } from '../contract/routes-chat.js';
import { deleteConversation, putFeedback, updateConversation } from '../contract/routes-conversations.js';
import { captureHold, createHold, debit, listUsage, voidHold } from '../contract/routes-ledger.js';
import { CreditApiClient } from './api-client.js';
import type * as z from 'zod/mini';

/** What a call of a route sends: its path parameters, query and body. */
export interface CallOptions {
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string | number | undefined>>;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * The whole builder side of HTTP contract v1: what the elements call plus holds, debits, usage,
 * conversations and the BYOK status, each answer parsed with its contract schema. Apart from
 * `CreditApiClient` so the elements' bundle does not carry what they never call.
 */
export class CreditLedgerClient extends CreditApiClient {
  /**
   * Calls a route of the contract's table (`src/contract/routes.ts`): its method and path, the
   * answer parsed with the schema of its success status.
   */
  call<R extends RouteCall>(route: R, { params, query = {}, body, signal }: CallOptions = {}): Promise<SuccessBody<R>> {
    const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const path = routePath(route, params).slice(API_BASE.length) + (search.size ? `?${search}` : '');
    return this.request(route.method, path, answerJson(route.answers[successStatus(route)]) as z.ZodMiniType<SuccessBody<R>>, body, signal);
  }

  createHold(body: CreateHoldRequest, signal?: AbortSignal) {
    return this.call(createHold, { body, signal });
  }

  captureHold(holdId: string, body: CaptureRequest, signal?: AbortSignal) {
    return this.call(captureHold, { params: { id: holdId }, body, signal });
  }

  voidHold(holdId: string, signal?: AbortSignal) {
    return this.call(voidHold, { params: { id: holdId }, signal });
  }

  debit(body: DebitRequest, signal?: AbortSignal) {
    return this.call(debit, { body, signal });
  }

  usage(query: UsageQuery = {}, signal?: AbortSignal) {
    return this.call(listUsage, { query, signal });
  }

  conversations(signal?: AbortSignal) {
    return this.call(listConversations, { signal });
  }

  conversation(id: string, signal?: AbortSignal) {
    return this.call(getConversation, { params: { id }, signal });
  }

  /** Renames a conversation (`title`), or shows another version (`activeMessageId`); answers the conversation. */
  updateConversation(id: string, body: ConversationPatch, signal?: AbortSignal) {
    return this.call(updateConversation, { params: { id }, body, signal });
  }

  deleteConversation(id: string, signal?: AbortSignal) {
    return this.call(deleteConversation, { params: { id }, signal });
  }

  /** 👍/👎 on an answer, with an optional comment; kept with the message. */
  rateAnswer(conversationId: string, messageId: string, body: FeedbackRequest, signal?: AbortSignal) {
    return this.call(putFeedback, { params: { id: conversationId, messageId }, body, signal });
  }

  byok(signal?: AbortSignal) {
    return this.call(getByok, { signal });
  }
}
