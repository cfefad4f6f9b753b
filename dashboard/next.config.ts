import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The dashboard imports project TypeScript from outside dashboard/ (store/,
// schemas/), so Turbopack and output tracing must treat the repo as the root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const config: NextConfig = {
  // The native engine and the ClickHouse client are loaded by Node at run
  // time, never bundled: chdb is a .node addon, and the store is opened by the
  // custom server (server/), not by Next.
  serverExternalPackages: ["chdb", "@clickhouse/client", "@clickhouse/client-common", "pino"],
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // The repository's own `tsc --noEmit -p tsconfig.json` (CI, .ci/run) checks
  // dashboard/** with the same strict settings; a second type-check inside
  // `next build` only adds time on the first start.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden() in pages, so a page a role may not open answers 403 with
  // app/forbidden.tsx instead of 200 with a notice (issue #9). Experimental
  // in Next 16.4, behind this flag.
  experimental: { authInterrupts: true },
};

export default config;
