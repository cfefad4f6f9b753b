import { userInfo } from "node:os";
import { loadConfig } from "../config/load";
import { openStore } from "../store/open";
import { migrate } from "../store/migrate";
import { insertEvents } from "../store/events";
import { buildTimeline } from "../dashboard/lib/data/timeline";
import { timelineCsv, timelineJson, timelineMarkdown } from "../dashboard/lib/data/timeline-export";
import { parseFilters } from "../dashboard/lib/filters/parse";
import { filtersForAudit, filtersToParams } from "../dashboard/lib/filters/url";
import { buildAuditEvent } from "../server/auth/audit-event";
import type { Viewer } from "../dashboard/lib/auth/permissions";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail timeline [--range 1h|24h|7d|30d|90d | --from TIME --to TIME]
                          [--env E] [--service S] [--host H] [--actor A] [--team T]
                          [--channel C] [--type T] [--search Q] [--format md|csv|json]

The postmortem timeline of a window, as the dashboard's /timeline page shows
it: every access, change, deploy, grant and finding in order, grouped by
session, with gaps listed. Markdown (default) pastes into a postmortem doc.
Lists take commas (--host web-01,web-02). The export is recorded as an
audit.view event, like the dashboard's. Embedded mode: run while
'prodtrail serve' is stopped (one process owns the data directory), or
against CLICKHOUSE_URL.`;

const FILTERS = ["range", "from", "to", "env", "service", "host", "actor", "team", "channel", "type"] as const;

export async function runTimelineCommand(argv: string[]): Promise<number> {
  const s = { type: "string" } as const;
  const { values } = parseCommandArgs(
    argv,
    { ...CONFIG_OPTION, range: s, from: s, to: s, env: s, service: s, host: s, actor: s, team: s, channel: s, type: s, search: s, format: s },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const format = values.format ?? "md";
  if (format !== "md" && format !== "csv" && format !== "json") throw new UsageError(`--format must be md, csv or json, got '${format}'`, USAGE);
  const raw: Record<string, string | undefined> = { q: values.search };
  for (const key of FILTERS) raw[key] = values[key];
  const { filters, issues } = parseFilters(raw);
  if (issues.length > 0) throw new UsageError(issues.map((i) => `--${i.field === "q" ? "search" : i.field} ${JSON.stringify(i.value)}: ${i.message}`).join("; "), USAGE);

  const config = loadConfig({ path: values.config });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  try {
    await migrate(store);
    // Whoever can run the CLI against the store reads it as an analyst would;
    // the read is recorded under the operating-system user.
    const who = userInfo().username;
    const viewer: Viewer = { userId: `cli:${who}`, email: `cli:${who}`, name: who, role: "analyst", sessionId: `cli-${process.pid}` };
    const timeline = await buildTimeline(viewer, store, filters);
    await insertEvents(store, [buildAuditEvent(viewer, { action: "export", resource: "/timeline", params: { ...filtersForAudit(filters), format, via: "cli" } })]);
    const permalink = `http://${config.server.host}:${config.server.port}/timeline?${filtersToParams(filters).toString()}`;
    const text = format === "md" ? timelineMarkdown(timeline, { from: filters.from, to: filters.to, permalink }) : format === "csv" ? timelineCsv(timeline) : timelineJson(timeline);
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
