import Link from "next/link";
import { can, type Viewer } from "../../lib/auth/permissions";
import { driftEdit } from "../../lib/data/drift";
import type { Store } from "../../../store/open";
import { formatLag } from "../../../drift/classify";
import { ACCEPTABLE_STATES, isDriftState } from "../../../drift/states";
import { AcceptForm } from "./accept-form";

/** One edit's evidence trail: the edit, who and how we know, the matching or missing commit, what overwrote it, acceptances. */
export async function EvidenceDrawer({ viewer, store, id, closeHref }: { viewer: Viewer; store: Store; id: string; closeHref: string }) {
  const evidence = await driftEdit(viewer, store, id);
  if (evidence === undefined) {
    return <aside className="drawer" data-testid="drift-drawer"><p>No direct edit with id <code>{id}</code>.</p><Link href={closeHref}>Close</Link></aside>;
  }
  const e = evidence.edit;
  const acceptable = isDriftState(e.state) && ACCEPTABLE_STATES.has(e.state) && can(viewer, "drift:accept");
  return (
    <aside className="drawer" aria-label="evidence trail" data-testid="drift-drawer">
      <Link href={closeHref} className="close">Close ✕</Link>
      <h2>{e.host}:{e.path}</h2>
      <p><strong data-testid="drift-state">{e.state.replace("_", " ")}</strong> — {e.state_reason}</p>
      <dl>
        <dt>When</dt><dd>{e.occurred_at}</dd>
        <dt>Change</dt><dd>{e.op} {e.before_hash ? <code>{e.before_hash.slice(0, 12)}</code> : "∅"} → {e.after_hash ? <code>{e.after_hash.slice(0, 12)}</code> : "∅ (deleted)"}</dd>
        <dt>Mapped to</dt><dd>{e.repo ? <code>{e.repo}:{e.repo_path}</code> : "no mapping (unmanaged)"}</dd>
        <dt>Who</dt><dd>{e.actor_id} <span className="muted">({e.attribution_method}, confidence {e.attribution_confidence.toFixed(2)})</span></dd>
        <dt>Session</dt><dd>{e.session_id || "—"}</dd>
        <dt>Commit</dt><dd>{e.matched_commit ? <code>{e.matched_commit.slice(0, 12)}</code> : <span className="muted">no commit holds this content</span>}{e.lag_s !== null ? ` (${formatLag(e.lag_s)} after the edit)` : ""}</dd>
        <dt>Overwritten by</dt><dd>{e.overwritten_by ? <>{e.overwrite_deploy_id ? `deploy ${e.overwrite_deploy_id}, ` : ""}change <code>{e.overwritten_by}</code> at {e.overwritten_at}</> : "—"}</dd>
        {e.accepted_by ? <><dt>Accepted</dt><dd>{e.accepted_by} · {e.accepted_ticket} · {e.accepted_note}</dd></> : null}
      </dl>
      <h3>Evidence trail</h3>
      <ol className="trail" data-testid="drift-trail">
        {evidence.trail.map((t) => (
          <li key={t.event_id}><time>{t.occurred_at}</time> <code>{t.type}</code> {t.actor_id} {t.command ? <code>{t.command}</code> : null}</li>
        ))}
      </ol>
      {e.repo && e.after_hash ? (
        <p><a href={`/drift/patch?id=${encodeURIComponent(e.change_event_id)}`} download data-testid="drift-patch">Download backport patch</a> <span className="muted">(for <code>git apply</code> in {e.repo}; needs the host content kept: collect.sources.files.keep_content)</span></p>
      ) : null}
      {acceptable ? <AcceptForm changeEventId={e.change_event_id} /> : null}
    </aside>
  );
}
