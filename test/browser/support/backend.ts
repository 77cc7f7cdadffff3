/** Test fixtures of the real backend: a fresh isolated workspace made through the real admin API. */
export interface TestWorkspace {
  workspaceId: string;
  token: string;
  tokens: string[];
}

export async function createWorkspace(
  options: { builders?: number; creditsPerBuilder?: number; addon?: number; byok?: boolean } = {},
): Promise<TestWorkspace> {
  const response = await fetch('/__test__/workspace', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(options),
  });
  if (!response.ok) throw new Error(`/__test__/workspace answered ${response.status}`);
  return (await response.json()) as TestWorkspace;
}

export interface MintedToken {
  token: string;
  expiresAt: string;
  builder: string;
  workspaceId: string;
}

/** What a host's server does per builder session: mint a short-lived token through the admin API. */
export async function mintToken(workspaceId: string, builder: string, ttlSeconds?: number, roles?: string[]): Promise<MintedToken> {
  const response = await fetch('/__test__/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspaceId, builder, ttlSeconds, roles }),
  });
  if (!response.ok) throw new Error(`/__test__/token answered ${response.status}`);
  return (await response.json()) as MintedToken;
}

/** Sets the workspace's default per-builder limit through the real admin API. */
export async function setBuilderLimits(workspaceId: string, limit: { credits: number; mode: 'block' | 'alert' } | null): Promise<void> {
  const response = await fetch('/__test__/builder-limits', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspaceId, default: limit }),
  });
  if (!response.ok) throw new Error(`/__test__/builder-limits answered ${response.status}`);
}
