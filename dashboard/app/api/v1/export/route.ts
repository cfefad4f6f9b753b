import { recordAudit } from "../../../../lib/audit";
import { apiRoute } from "../../../../lib/auth/session";
import { exportEvents } from "../../../../lib/data/events";
import { EXPORT_CONTENT_TYPES, eventExportStream, type ExportFormat } from "../../../../lib/data/export-stream";
import { parseFilters } from "../../../../lib/filters/parse";
import { filtersForAudit } from "../../../../lib/filters/url";
import { log } from "../../../../lib/log";
import { getStore } from "../../../../lib/store";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/export?format=csv|json&<filters> — every event matching the
 * explorer's filters, streamed page by page (keyset, newest first), the
 * same rows in the same order as the table. Needs events:export (checked in
 * exportEvents); audited before the first byte, and refused when the audit
 * record cannot be written. A bad filter is a 400 naming it — an export
 * must never silently widen to more rows than the user asked for.
 */
export const GET = apiRoute(async (request, viewer) => {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "json") return Response.json({ error: `format must be csv or json, not ${JSON.stringify(format.slice(0, 20))}` }, { status: 400 });
  const { filters, issues } = parseFilters(Object.fromEntries(url.searchParams));
  if (issues.length > 0) return Response.json({ error: "bad filters", issues }, { status: 400 });
  const store = getStore();
  const pages = exportEvents(viewer, store, filters);
  // The permission check runs on the generator's first step; take it before any header is sent, so a viewer gets 403, not an empty 200.
  const first = await pages.next();
  await recordAudit(viewer, { action: "export", resource: "/api/v1/export", params: { ...filtersForAudit(filters), format } });
  async function* all() {
    if (!first.done) yield first.value;
    yield* pages;
  }
  const fmt: ExportFormat = format;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const body = eventExportStream(all(), fmt, (error) => log.error({ err: error, actor: viewer.email }, "export failed mid-stream"), (rows) => log.info({ rows, format, actor: viewer.email }, "export done"));
  return new Response(body, {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[fmt],
      "content-disposition": `attachment; filename="prodtrail-events-${stamp}.${fmt}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}, "export");
