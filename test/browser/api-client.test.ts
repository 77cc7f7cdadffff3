import { expect } from '@open-wc/testing';
import { QueryClient } from '@tanstack/query-core';
import { CreditApiClient, CreditApiError } from '../../src/client/api-client.js';
import { CreditLedgerClient } from '../../src/client/ledger-client.js';
import { syncBalanceAcrossTabs } from '../../src/client/balance-sync.js';
import { applyBalance, creditKeys } from '../../src/client/query.js';
import type { Balance } from '../../src/contract/index.js';
import { createWorkspace } from './support/backend.js';

function clientFor(token: string): CreditLedgerClient {
  return new CreditLedgerClient({ apiBase: '/api/v1', getToken: () => token });
}

async function rejection(promise: Promise<unknown>): Promise<CreditApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(CreditApiError);
    return error as CreditApiError;
  }
  throw new Error('expected a rejection');
}

const key = () => `test-${crypto.randomUUID()}`;

describe('CreditApiClient against the real server', () => {
  it('reads the balance of a fresh workspace: monthly pool of the license plus add-on', async () => {
    const workspace = await createWorkspace({ builders: 2, creditsPerBuilder: 500, addon: 300 });
    const balance = await clientFor(workspace.token).balance();
    expect(balance.total).to.equal(1300);
    expect(balance.monthly.allocated).to.equal(1000);
    expect(balance.monthly.available).to.equal(1000);
    expect(balance.addon.available).to.equal(300);
    expect(balance.held).to.equal(0);
    expect(balance.byok).to.equal(false);
  });

  it('debits monthly first and answers a parsed receipt; a replay of the key changes nothing', async () => {
    const workspace = await createWorkspace({ builders: 1, creditsPerBuilder: 10, addon: 100 });
    const client = clientFor(workspace.token);
    const idempotencyKey = key();
    const receipt = await client.debit({ operation: 'sql_generation', credits: 12.5, idempotencyKey });
    expect(receipt.fromMonthly).to.equal(10);
    expect(receipt.fromAddon).to.equal(2.5);
    expect(receipt.balance.total).to.equal(97.5);
    const replay = await client.debit({ operation: 'sql_generation', credits: 12.5, idempotencyKey });
    expect(replay.id).to.equal(receipt.id);
    expect((await client.balance()).total).to.equal(97.5);
  });

  it('holds, captures part and releases the rest', async () => {
    const client = clientFor((await createWorkspace({ builders: 1, creditsPerBuilder: 50 })).token);
    const hold = await client.createHold({ operation: 'docs_assistant', credits: 8, idempotencyKey: key() });
    expect(hold.status).to.equal('pending');
    expect((await client.balance()).held).to.equal(8);
    const receipt = await client.captureHold(hold.id, { credits: 5 });
    expect(receipt.credits).to.equal(5);
    expect(receipt.balance.total).to.equal(45);
    expect(receipt.balance.held).to.equal(0);
    const voided = await client.createHold({ operation: 'docs_assistant', credits: 3, idempotencyKey: key() });
    expect((await client.voidHold(voided.id)).status).to.equal('voided');
  });

  it('lists usage newest first', async () => {
    const client = clientFor((await createWorkspace({ builders: 1, creditsPerBuilder: 50 })).token);
    await client.debit({ operation: 'custom_code', credits: 2, idempotencyKey: key() });
    await client.debit({ operation: 'sql_generation', credits: 5, idempotencyKey: key() });
    const usage = await client.usage({ limit: 10 });
    expect(usage.entries.map((e) => e.operation)).to.deep.equal(['sql_generation', 'custom_code']);
  });

  it('turns a 402 into insufficient_credits with needed and available', async () => {
    const client = clientFor((await createWorkspace({ builders: 1, creditsPerBuilder: 5 })).token);
    const error = await rejection(client.debit({ operation: 'app_generation', credits: 100, idempotencyKey: key() }));
    expect(error.status).to.equal(402);
    expect(error.code).to.equal('insufficient_credits');
    expect(error.details.needed).to.equal(100);
    expect(error.details.available).to.equal(5);
  });

  it('turns a 401 and a 400 into their codes, with the field', async () => {
    expect((await rejection(clientFor('not-a-token').balance())).status).to.equal(401);
    const client = clientFor((await createWorkspace()).token);
    const invalid = await rejection(client.debit({ operation: 'sql_generation', credits: -1, idempotencyKey: key() }));
    expect(invalid.status).to.equal(400);
    expect(invalid.code).to.equal('invalid_input');
    expect(invalid.details.field).to.equal('credits');
  });

  it('says `network` with status 0 when the server cannot be reached', async () => {
    const client = new CreditApiClient({ apiBase: 'http://127.0.0.1:9/api/v1' });
    const error = await rejection(client.operations());
    expect(error.status).to.equal(0);
    expect(error.code).to.equal('network');
  });

  it('rejects with the AbortError when the caller aborts', async () => {
    const abort = new AbortController();
    const pending = clientFor((await createWorkspace()).token).balance(abort.signal);
    abort.abort();
    try {
      await pending;
      throw new Error('expected an abort');
    } catch (error) {
      expect((error as DOMException).name).to.equal('AbortError');
    }
  });
});

describe('balance shared across tabs', () => {
  it('passes a newer balance from one QueryClient to another over BroadcastChannel, never an older one', async () => {
    const workspace = await createWorkspace({ builders: 1, creditsPerBuilder: 100 });
    const client = clientFor(workspace.token);
    const here = new QueryClient();
    const otherTab = new QueryClient();
    const stops = [syncBalanceAcrossTabs(here), syncBalanceAcrossTabs(otherTab)];
    try {
      const queryKey = creditKeys.balance(client.scope);
      const first = await client.balance();
      here.setQueryData(queryKey, first);
      otherTab.setQueryData(queryKey, first);
      const receipt = await client.debit({ operation: 'sql_generation', credits: 5, idempotencyKey: key() });
      applyBalance(here, client.scope, receipt.balance);
      await waitFor(() => otherTab.getQueryData<Balance>(queryKey)?.total === 95);
      // An older balance arriving late does not replace the newer one.
      applyBalance(here, client.scope, first);
      expect(here.getQueryData<Balance>(queryKey)!.total).to.equal(95);
    } finally {
      stops.forEach((stop) => stop());
    }
  });
});

async function waitFor(condition: () => boolean, timeout = 2000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeout) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
