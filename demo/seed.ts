import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ledger } from '../src/server/index.js';

export interface DemoBuilder {
  id: string;
  name: string;
  token: string;
}

export interface DemoSession {
  workspaceId: string;
  builders: DemoBuilder[];
}

const BUILDERS = [
  { id: 'ada', name: 'Ada' },
  { id: 'grace', name: 'Grace' },
];

/**
 * The demo workspace: 2 builders × 500 monthly credits and 200 add-on credits, a token per
 * builder. Made on the first start; later starts find it in the data directory and keep it.
 * The tokens are kept in `demo-session.json` because the demo page needs them: a real host
 * issues tokens to its own signed-in builders instead.
 */
export async function seedDemo(ledger: Ledger, dataDir: string): Promise<{ session: DemoSession; created: boolean }> {
  const file = join(dataDir, 'demo-session.json');
  if (existsSync(file)) {
    const session = JSON.parse(readFileSync(file, 'utf8')) as DemoSession;
    const still = await ledger.authenticate(session.builders[0]?.token ?? '');
    if (still?.workspaceId === session.workspaceId) return { session, created: false };
  }
  const { id } = await ledger.createWorkspace({ name: 'Acme app builder (demo)', timeZone: 'UTC' });
  await ledger.setLicense(id, { builders: BUILDERS.length, creditsPerBuilder: 500, cycleAnchorDay: 1 });
  await ledger.addAddon(id, { credits: 200, reference: 'demo-seed' });
  const builders: DemoBuilder[] = [];
  for (const builder of BUILDERS) {
    builders.push({ ...builder, token: (await ledger.issueToken(id, builder.id)).token });
  }
  const session = { workspaceId: id, builders };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(session, null, 2), { mode: 0o600 });
  return { session, created: true };
}
