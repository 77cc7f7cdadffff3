import { expect } from '@open-wc/testing';
import { CreditApiError } from '../../src/client/api-client.js';
import { CreditLedgerClient } from '../../src/client/ledger-client.js';
import { createWorkspace } from './support/backend.js';

const key = () => `test-${crypto.randomUUID()}`;

describe('CreditLedgerClient: what a builder does to a conversation, against the real server', () => {
  it('regenerates an answer as a version, rates it, shows the other version, renames and deletes', async () => {
    const { token } = await createWorkspace({ builders: 1, creditsPerBuilder: 500 });
    const client = new CreditLedgerClient({ apiBase: '/api/v1', getToken: () => token });
    const first = await client.chat({ operation: 'sql_generation', prompt: 'Orders per day', idempotencyKey: key() });
    const conversationId = first.reserved!.conversationId;
    const answerId = first.reserved!.messageId;
    const preview = await client.estimate({ operation: 'sql_generation', prompt: '', conversationId, regenerateOf: answerId });
    expect(preview.expected).to.be.greaterThan(0);
    const again = await client.chat({ operation: 'sql_generation', conversationId, regenerateOf: answerId, idempotencyKey: key() });
    expect(again.receipt.id).to.not.equal(first.receipt.id);
    const conversation = await client.conversation(conversationId);
    expect(conversation.messages[1]!.versions).to.deep.equal([answerId, again.reserved!.messageId]);

    const rated = await client.rateAnswer(conversationId, again.reserved!.messageId, { rating: 'down', comment: 'missing the date filter' });
    expect(rated.feedback.rating).to.equal('down');
    const shown = await client.updateConversation(conversationId, { activeMessageId: answerId, title: 'Orders' });
    expect([shown.title, shown.messages[1]!.id]).to.deep.equal(['Orders', answerId]);
    const back = await client.updateConversation(conversationId, { activeMessageId: again.reserved!.messageId });
    expect(back.messages[1]!.feedback?.comment).to.equal('missing the date filter');

    expect(await client.deleteConversation(conversationId)).to.deep.equal({ id: conversationId, deleted: true });
    expect((await client.conversations()).conversations).to.deep.equal([]);
    try {
      await client.conversation(conversationId);
      expect.fail('a deleted conversation was read');
    } catch (error) {
      expect(error).to.be.instanceOf(CreditApiError);
      expect((error as CreditApiError).status).to.equal(404);
    }
  });
});
