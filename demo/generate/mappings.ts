import { globMatcher } from "../../lib/glob";
import type { RepoName } from "./repos";

/**
 * Which host paths come from which repository paths — the same shape as
 * prodtrail.yaml's drift mappings (issue 6). `via` says what ships them:
 * the ci-deploy pipeline on release, or puppet on its 30-minute run.
 */
export interface PathMapping {
  hosts: string;
  host_path: string;
  repo: RepoName;
  repo_path: string;
  via: "ci-deploy" | "config-mgmt";
}

export const MAPPINGS: readonly PathMapping[] = [
  { hosts: "web-*", host_path: "/etc/nginx/", repo: "infra", repo_path: "nginx/", via: "ci-deploy" },
  { hosts: "lb-*", host_path: "/etc/haproxy/", repo: "infra", repo_path: "haproxy/", via: "ci-deploy" },
  { hosts: "db-*", host_path: "/etc/postgresql/16/main/", repo: "infra", repo_path: "postgres/", via: "ci-deploy" },
  { hosts: "api-*", host_path: "/etc/api/", repo: "app", repo_path: "config/api/", via: "ci-deploy" },
  { hosts: "worker-*", host_path: "/etc/worker/", repo: "app", repo_path: "config/worker/", via: "ci-deploy" },
  { hosts: "*", host_path: "/etc/sysctl.d/", repo: "infra", repo_path: "sysctl/", via: "config-mgmt" },
];

/**
 * Whether a mapping's host glob covers `host`, with the project's one glob
 * matcher (lib/glob.ts: host names hold no '/', so `*` spans the whole name),
 * compiled once per mapping: mappedFiles runs for each of the 114 hosts.
 */
const hostMatchers = new Map(MAPPINGS.map((m) => [m, globMatcher([m.hosts])]));
function coversHost(mapping: PathMapping, host: string): boolean {
  return (hostMatchers.get(mapping) ?? globMatcher([mapping.hosts]))(host);
}

export interface MappedFile {
  mapping: PathMapping;
  hostPath: string;
  repoPath: string;
}

/** Every file of the repositories a host receives, with where it lands on the host. */
export function mappedFiles(host: string, repoPaths: (repo: RepoName) => readonly string[]): MappedFile[] {
  const out: MappedFile[] = [];
  for (const mapping of MAPPINGS) {
    if (!coversHost(mapping, host)) continue;
    for (const repoPath of repoPaths(mapping.repo)) {
      if (repoPath.startsWith(mapping.repo_path)) {
        out.push({ mapping, hostPath: mapping.host_path + repoPath.slice(mapping.repo_path.length), repoPath });
      }
    }
  }
  return out;
}

/** The mapping a host path falls under, if any. */
export function mappingOf(host: string, hostPath: string): MappedFile | undefined {
  for (const mapping of MAPPINGS) {
    if (coversHost(mapping, host) && hostPath.startsWith(mapping.host_path)) {
      return { mapping, hostPath, repoPath: mapping.repo_path + hostPath.slice(mapping.host_path.length) };
    }
  }
  return undefined;
}
