import type { DriftMapping } from "../config/drift";
import { globRegexSource } from "../lib/glob";

/**
 * Path mappings compiled for the store: the classification query takes them
 * as parallel array parameters (`{m_hosts:Array(String)}` …), never as SQL
 * text. A host glob becomes an anchored RE2 pattern (ClickHouse `match`);
 * several globs of one mapping become one alternation.
 */
export interface CompiledMappings {
  /** 1-based in SQL: mapping i is element i of every array. */
  m_hosts: string[];
  m_labels: Array<Record<string, string>>;
  m_host_path: string[];
  m_repo: string[];
  m_repo_path: string[];
}

/** A host glob as RE2/JS source (lib/glob.ts: the project's one glob translation; host names hold no '/'). */
export const globToRegex = globRegexSource;

export function compileMappings(mappings: readonly DriftMapping[]): CompiledMappings {
  return {
    m_hosts: mappings.map((m) => `^(?:${m.hosts.map(globToRegex).join("|")})$`),
    m_labels: mappings.map((m) => ({ ...m.labels })),
    m_host_path: mappings.map((m) => m.host_path),
    m_repo: mappings.map((m) => m.repo),
    m_repo_path: mappings.map((m) => m.repo_path),
  };
}

export interface MappedPath {
  mapping: DriftMapping;
  repo: string;
  repoPath: string;
}

/** The same rule as the SQL, for the CLI and tests: every mapping covering host + path. */
export function mapPath(mappings: readonly DriftMapping[], host: string, labels: Readonly<Record<string, string>>, path: string): MappedPath[] {
  const out: MappedPath[] = [];
  for (const mapping of mappings) {
    const hostOk = mapping.hosts.some((g) => new RegExp(`^(?:${globToRegex(g)})$`).test(host));
    const labelsOk = Object.entries(mapping.labels).every(([k, v]) => labels[k] === v);
    const pathOk = mapping.host_path.endsWith("/") ? path.startsWith(mapping.host_path) : path === mapping.host_path;
    if (hostOk && labelsOk && pathOk) {
      out.push({ mapping, repo: mapping.repo, repoPath: mapping.repo_path + path.slice(mapping.host_path.length) });
    }
  }
  return out;
}
