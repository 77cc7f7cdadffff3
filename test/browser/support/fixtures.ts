import type { Balance, Message, Receipt } from '../../../src/contract/index.js';

export function balanceFixture(overrides: Partial<Balance> = {}): Balance {
  return {
    total: 1234.5,
    held: 8,
    monthly: { allocated: 2000, available: 1034.5, renewsAt: '2026-12-01T00:00:00.000Z' },
    addon: { available: 200, expiresAt: '2027-06-15T00:00:00.000Z' },
    byok: false,
    asOf: '2026-11-21T10:00:00.000Z',
    ...overrides,
  };
}

export function receiptFixture(overrides: Partial<Receipt> = {}): Receipt {
  return {
    id: 'rcpt_1',
    operation: 'sql_generation',
    credits: 4,
    fromMonthly: 3,
    fromAddon: 1,
    balance: balanceFixture(),
    createdAt: '2026-11-21T10:00:00.000Z',
    usage: { provider: 'demo', model: 'demo-1', inputTokens: 1200, outputTokens: 300 },
    estimate: { expected: 5, max: 8 },
    ...overrides,
  };
}

/** A conversation of `count` messages, alternating question and markdown answer with a receipt. */
export function conversationFixture(count: number): Message[] {
  const messages: Message[] = [];
  for (let i = 0; i < count; i++) {
    const user = i % 2 === 0;
    messages.push({
      id: `m${i}`,
      role: user ? 'user' : 'assistant',
      operation: 'sql_generation',
      content: user ? `Question ${i}` : `Answer **${i}**\n\n\`\`\`sql\nSELECT ${i};\n\`\`\``,
      status: 'complete',
      receipt: user ? null : receiptFixture({ id: `r${i}` }),
      createdAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString(),
    });
  }
  return messages;
}
