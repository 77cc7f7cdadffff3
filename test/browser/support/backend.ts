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
