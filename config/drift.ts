import { z } from "zod";

/**
 * The `drift:` section of prodtrail.yaml: which host paths come from which
 * repository paths, and how long a direct edit may wait for its backport
 * before it is reported as unreconciled. Many-to-many: a mapping names many
 * hosts, and several mappings may point at the same repository path (every
 * web host gets nginx/) or cover the same host path from two repositories.
 */
const GLOB = /^[A-Za-z0-9*?._\-[\]!]+$/;

export const driftMappingSchema = z.strictObject({
  /** Host name globs (`*`, `?`, `[abc]`), e.g. `web-*`. At least one. */
  hosts: z
    .array(z.string().min(1).max(255).regex(GLOB, { message: "a host glob uses letters, digits, '.', '-', '_', '*', '?', '[…]'" }))
    .min(1, { message: "name at least one host glob" }),
  /** Labels every matching event must carry (all of them), e.g. `{ role: web }`. */
  labels: z.record(z.string().min(1).max(64), z.string().max(256)).default({}),
  /** Absolute directory prefix on the host, ending in `/` (or one absolute file). */
  host_path: z.string().min(2).max(4096).startsWith("/", { message: "must be an absolute path such as /etc/nginx/" }),
  /** The repository's name as the git indexer records it (`repo` of codebase.commit). */
  repo: z.string().min(1).max(256),
  /** Prefix inside the repository, `nginx/`; empty means the repository root. */
  repo_path: z
    .string()
    .max(4096)
    .refine((p) => !p.startsWith("/"), { message: "is relative to the repository root: write nginx/, not /nginx/" })
    .default(""),
  /**
   * Offer a backport patch (`prodtrail drift patch`, the Direct edits page's
   * download) for edits under this mapping, from the host content the files
   * collector keeps (collect.sources.files.keep_content: the same host paths).
   * Off by default: host file content is shown only where someone opted in.
   */
  keep_content: z.boolean().default(false),
}).refine((m) => m.host_path.endsWith("/") === (m.repo_path === "" || m.repo_path.endsWith("/")), {
  message: "host_path and repo_path must both be directories (ending in '/') or both be files",
  path: ["repo_path"],
});

export const driftConfigSchema = z.strictObject({
  /** An unmatched direct edit is "pending" this long, then "unreconciled". 72 h: a long weekend. */
  grace_period_hours: z.number().min(0).max(24 * 365).default(72),
  /**
   * A file change this close to a deploy of the host's mapped repository is
   * compared with that deploy's tree. 15 min: the files collector's rescan is
   * 10 min and deploy notifications usually follow the rollout.
   */
  deploy_window_minutes: z.number().min(0).max(24 * 60).default(15),
  /** How often `serve`/`ingest` run the drift job. 0 disables it there. */
  interval_seconds: z.number().int().min(0).max(86_400).default(60),
  mappings: z.array(driftMappingSchema).max(10_000).default([]),
});

export type DriftConfig = z.output<typeof driftConfigSchema>;
export type DriftMapping = z.output<typeof driftMappingSchema>;
