import { recordAudit } from "../../../lib/audit";
import { apiRoute } from "../../../lib/auth/session";
import { buildTimeline } from "../../../lib/data/timeline";
import { timelineCsv, timelineJson, timelineMarkdown } from "../../../lib/data/timeline-export";
import { parseFilters } from "../../../lib/filters/parse";
import { filtersForAudit, hrefWith } from "../../../lib/filters/url";
import { getStore } from "../../../lib/store";
import { sharedPublicBaseUrl } from "../../../../server/public-url";

export const dynamic = "force-dynamic";

const TYPES = { md: "text/markdown; charset=utf-8", csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" } as const;

/**
 * GET /timeline/export?format=md|csv|json&<filters>: the timeline as shown
 * (capped at TIMELINE_LIMIT events, which the export says), for pasting into
 * a postmortem. Needs timeline:read; audited as an export.
 */
export const GET = apiRoute(async (request, viewer) => {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "md";
  if (format !== "md" && format !== "csv" && format !== "json") return Response.json({ error: "format must be md, csv or json" }, { status: 400 });
  const { filters, issues } = parseFilters(Object.fromEntries(url.searchParams));
  if (issues.length > 0) return Response.json({ error: "bad filters", issues }, { status: 400 });
  const timeline = await buildTimeline(viewer, getStore(), filters);
  await recordAudit(viewer, { action: "export", resource: "/timeline/export", params: { ...filtersForAudit(filters), format } });
  // The configured public URL, never the request's Host: the link is pasted into postmortems and clicked later (issue #9).
  const permalink = `${sharedPublicBaseUrl()}${hrefWith("/timeline", { ...filters, range: null })}`;
  const body = format === "md" ? timelineMarkdown(timeline, { from: filters.from, to: filters.to, permalink }) : format === "csv" ? timelineCsv(timeline) : timelineJson(timeline);
  const stamp = filters.from.slice(0, 16).replace(/[:T]/g, "-");
  return new Response(body, {
    headers: { "content-type": TYPES[format], "content-disposition": `attachment; filename="prodtrail-timeline-${stamp}.${format}"`, "cache-control": "no-store", "x-content-type-options": "nosniff" },
  });
}, "export");
