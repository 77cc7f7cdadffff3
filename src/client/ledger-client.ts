import { ByokStatus } from '../contract/byok.js';
import { Conversation, ConversationsResponse } from '../contract/chat.js';
import { Hold, Receipt, UsageResponse } from '../contract/ledger.js';
import type { CaptureRequest, CreateHoldRequest, DebitRequest, UsageQuery } from '../contract/index.js';
import { CreditApiClient } from './api-client.js';

/**
 * The whole builder side of HTTP contract v1: what the elements call plus holds, debits, usage,
 * conversations and the BYOK status, each answer parsed with its contract schema. Apart from
 * `CreditApiClient` so the elements' bundle does not carry what they never call.
 */
export class CreditLedgerClient extends CreditApiClient {
  createHold(body: CreateHoldRequest, signal?: AbortSignal) {
    return this.request('POST', '/holds', Hold, body, signal);
  }

  captureHold(holdId: string, body: CaptureRequest, signal?: AbortSignal) {
    return this.request('POST', `/holds/${encodeURIComponent(holdId)}/capture`, Receipt, body, signal);
  }

  voidHold(holdId: string, signal?: AbortSignal) {
    return this.request('POST', `/holds/${encodeURIComponent(holdId)}/void`, Hold, undefined, signal);
  }

  debit(body: DebitRequest, signal?: AbortSignal) {
    return this.request('POST', '/debits', Receipt, body, signal);
  }

  usage(query: UsageQuery = {}, signal?: AbortSignal) {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    const search = params.size ? `?${params}` : '';
    return this.request('GET', `/usage${search}`, UsageResponse, undefined, signal);
  }

  conversations(signal?: AbortSignal) {
    return this.request('GET', '/conversations', ConversationsResponse, undefined, signal);
  }

  conversation(id: string, signal?: AbortSignal) {
    return this.request('GET', `/conversations/${encodeURIComponent(id)}`, Conversation, undefined, signal);
  }

  byok(signal?: AbortSignal) {
    return this.request('GET', '/byok', ByokStatus, undefined, signal);
  }
}
