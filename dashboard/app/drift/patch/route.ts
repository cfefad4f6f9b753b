import { PatchUnavailableError } from "../../../../drift/patch";
import { recordAudit } from "../../../lib/audit";
import { apiRoute } from "../../../lib/auth/session";
import { driftPatch } from "../../../lib/data/drift";
import { getStore } from "../../../lib/store";

export const dynamic = "force-dynamic";

/**
 * GET /drift/patch?id=<change_event_id>: the edit's backport patch as a
 * download (`git apply` it in the repository), the same as `prodtrail drift
 * patch`. Needs drift:read; audited as an export. When no patch can be made,
 * 409 with the exact reason.
 */
export const GET = apiRoute(async (request, viewer) => {
  const id = new URL(request.url).searchParams.get("id") ?? "";
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) return Response.json({ error: "id must be a change event id (letters, digits, . _ : -)" }, { status: 400 });
  try {
    const patch = await driftPatch(viewer, getStore(), id);
    await recordAudit(viewer, { action: "export", resource: "/drift/patch", params: { id } });
    const name = `${patch.repo}-${patch.repoPath.replace(/[^A-Za-z0-9._-]+/g, "_")}-${id.slice(0, 12)}.patch`;
    return new Response(patch.diff, {
      headers: {
        "content-type": "text/x-diff; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-prodtrail-notes": encodeURIComponent(patch.notes.join(" | ")),
      },
    });
  } catch (error) {
    if (error instanceof PatchUnavailableError) return Response.json({ error: error.message }, { status: 409 });
    throw error;
  }
}, "export");
