// The GitHub API, for what an action records on GitHub (deployments): Octokit as the Actions
// toolkit's @actions/github hands it out. It is loaded on first use only: the bundler makes it a
// chunk of its own beside each bundle (dist/<id>.index.js), which a run that never asks for the
// GitHub API never reads, so it costs such a run nothing at start.
import type { getOctokit } from '@actions/github';

export type GitHub = ReturnType<typeof getOctokit>;

/**
 * Octokit for the runner's GitHub API (GITHUB_API_URL, so GitHub Enterprise Server too; the
 * public API when unset), authenticated with `token`, through the proxy the toolkit's rules
 * choose (HTTPS_PROXY, NO_PROXY).
 */
export async function loadGitHub(token: string): Promise<GitHub> {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token);
}
