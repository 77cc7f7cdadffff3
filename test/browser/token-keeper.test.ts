import { expect } from '@open-wc/testing';
import { refreshLead, TokenKeeper, type TokenProvider, type TokenSource } from '../../src/client/token-keeper.js';

/** A keeper on a clock the test moves, reading a source the test sets. */
function keeperOf(initial: TokenSource = {}) {
  let now = Date.parse('2026-11-30T12:00:00Z');
  let source = initial;
  const keeper = new TokenKeeper(() => source, () => now);
  return {
    keeper,
    set(next: TokenSource) {
      source = next;
      keeper.sourceChanged();
    },
    advance(ms: number) {
      now += ms;
    },
    at: (ms: number) => new Date(now + ms).toISOString(),
  };
}

describe('TokenKeeper', () => {
  it('asks a fifth of the lifetime ahead, at most a minute', () => {
    expect(refreshLead(3_000)).to.equal(600);
    expect(refreshLead(15 * 60_000)).to.equal(60_000);
  });

  it('waits for a token or a getToken before answering, and wakes when one is set', async () => {
    const k = keeperOf();
    let answered: string | null | undefined;
    const pending = k.keeper.token().then((token) => (answered = token));
    await Promise.resolve();
    expect(answered).to.equal(undefined);
    k.set({ getToken: () => 'cct_one' });
    await pending;
    expect(answered).to.equal('cct_one');
  });

  it('asks with null first, keeps the token until shortly before expiresAt, then asks with the current one', async () => {
    const k = keeperOf();
    const asked: (string | null)[] = [];
    let n = 0;
    const getToken: TokenProvider = (current) => {
      asked.push(current);
      return { token: `cct_${++n}`, expiresAt: k.at(10_000) };
    };
    k.set({ getToken });
    expect(await k.keeper.token()).to.equal('cct_1');
    k.advance(7_999); // the lead is 2 s of a 10 s lifetime
    expect(await k.keeper.token()).to.equal('cct_1');
    k.advance(1);
    expect(await k.keeper.token()).to.equal('cct_2');
    expect(asked).to.deep.equal([null, 'cct_1']);
  });

  it('renews once for many requests refused with one expired token', async () => {
    const k = keeperOf();
    const asked: (string | null)[] = [];
    k.set({ getToken: (current) => (asked.push(current), current === null ? 'cct_old' : 'cct_new') });
    const old = (await k.keeper.token())!;
    const renewed = await Promise.all([k.keeper.renew(old), k.keeper.renew(old), k.keeper.renew(old)]);
    expect(renewed).to.deep.equal(['cct_new', 'cct_new', 'cct_new']);
    expect(asked).to.deep.equal([null, 'cct_old']);
  });

  it('says when the builder changed, from the minted answer', async () => {
    const k = keeperOf();
    const changes: (string | null)[] = [];
    k.keeper.onIdentityChange = (identity) => changes.push(identity);
    k.set({ getToken: () => ({ token: 'cct_a', builder: 'ada', workspaceId: 'ws_1' }) });
    await k.keeper.token();
    expect(k.keeper.identity).to.equal('ws_1/ada');
    k.set({ getToken: () => ({ token: 'cct_g', builder: 'grace', workspaceId: 'ws_1' }) });
    await k.keeper.token();
    expect(changes).to.deep.equal(['ws_1/grace']);
  });
});
