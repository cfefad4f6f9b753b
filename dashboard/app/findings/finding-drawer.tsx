import Link from "next/link";
import { can, type Viewer } from "../../lib/auth/permissions";
import { findingDetail } from "../../lib/data/findings";
import type { Store } from "../../../store/open";
import { SuppressForm, TriageForm } from "./forms";

const HALF_HOUR = 30 * 60_000;

/** One finding: what, who, where, when, its evidence events, its triage history, and the timeline around it. */
export async function FindingDrawer({ viewer, store, id, closeHref }: { viewer: Viewer; store: Store; id: string; closeHref: string }) {
  const detail = await findingDetail(viewer, store, id);
  if (detail === undefined) return <aside className="drawer" data-testid="finding-drawer"><p>No finding with id <code>{id}</code>.</p><Link href={closeHref}>Close</Link></aside>;
  const f = detail.finding;
  const at = new Date(f.occurred_at).getTime();
  const timeline = new URLSearchParams({ from: new Date(at - HALF_HOUR).toISOString(), to: new Date(at + HALF_HOUR).toISOString() });
  if (f.host && !f.host.includes(",")) timeline.set("host", f.host);
  const rule = f.rule_id || f.detector;
  return (
    <aside className="drawer" aria-label="finding" data-testid="finding-drawer">
      <Link href={closeHref} className="close">Close ✕</Link>
      <h2>{f.title}</h2>
      <p><strong data-testid="finding-status">{f.status.replace("_", " ")}</strong> · {f.severity} · <code>{rule}</code></p>
      <p className="sub">{f.detail}</p>
      <dl>
        <dt>When</dt><dd>{f.occurred_at}</dd>
        <dt>Who</dt><dd>{f.actor_id || "—"}</dd>
        <dt>Where</dt><dd>{f.host} <span className="muted">{f.env}</span></dd>
        <dt>Source</dt><dd>{f.source_ip || "—"}</dd>
        <dt>Assignee</dt><dd data-testid="finding-assignee">{f.assignee || "—"}</dd>
        {f.note ? <><dt>Note</dt><dd>{f.note}</dd></> : null}
        {f.tags.length > 0 ? <><dt>ATT&amp;CK</dt><dd>{f.tags.join(" ")}</dd></> : null}
      </dl>
      <p><Link href={`/timeline?${timeline.toString()}`} data-testid="finding-timeline">Postmortem timeline around it (±30 min)</Link></p>
      <h3>Evidence ({detail.evidence.length} of {f.event_ids.length} events)</h3>
      <ol className="trail" data-testid="finding-evidence">
        {detail.evidence.map((e) => (
          <li key={e.event_id}><time>{e.occurred_at}</time> <code>{e.type}</code> {e.actor_id} on {e.host} {"command" in e && e.command ? <code>{e.command}</code> : null} {"path" in e && e.path ? <code>{e.path}</code> : null} {e.source_ip ? <span className="muted">from {e.source_ip}</span> : null}</li>
        ))}
      </ol>
      {detail.history.length > 0 ? (
        <>
          <h3>Triage history</h3>
          <ol className="trail" data-testid="finding-history">
            {detail.history.map((h, i) => <li key={i}><time>{h.occurred_at}</time> {h.actor_id} <strong>{h.action}</strong> {h.note}</li>)}
          </ol>
        </>
      ) : null}
      {can(viewer, "findings:triage") ? (
        <>
          <TriageForm findingId={f.finding_id} status={f.status} />
          {f.rule_id ? <SuppressForm ruleId={f.rule_id} actorId={f.actor_id} host={f.host} sourceIp={f.source_ip} /> : null}
        </>
      ) : null}
    </aside>
  );
}
