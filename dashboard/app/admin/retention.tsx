import type { LegalHold } from "../../../store/legal-holds";
import type { AppliedRetention } from "../../../store/retention";
import type { Viewer } from "../../lib/auth/permissions";
import { adminRetention } from "../../lib/auth/retention-admin";
import { getStore } from "../../lib/store";
import { AddHoldForm, ReleaseHoldForm } from "./retention-forms";

/** Loads and renders the section; the page has already checked admin:manage for its other lists. */
export async function RetentionPanel({ viewer }: { viewer: Viewer }) {
  const { retention, holds } = await adminRetention(viewer, getStore());
  return <RetentionSection retention={retention} holds={holds} />;
}

const time = (iso: string) => iso.slice(0, 16).replace("T", " ");
const what = (h: LegalHold) => (h.scope === "range" ? "every event" : `${h.scope} ${h.value}`);

/** The admin page's retention section: the policy the store applies, and legal holds (set, release). */
export function RetentionSection({ retention, holds }: { retention: AppliedRetention; holds: LegalHold[] }) {
  const active = holds.filter((h) => h.released === null);
  const released = holds.filter((h) => h.released !== null);
  return (
    <section aria-labelledby="retention-heading" data-testid="retention">
      <h2 id="retention-heading">Retention and legal holds</h2>
      <p className="sub">
        Events are kept per category for as long as <code>retention:</code> in prodtrail.yaml says, counted from when the store received them
        (applied by <code>prodtrail serve</code> and <code>prodtrail migrate</code> at start-up). A legal hold keeps every event it matches
        past that, until released. Every change here is itself an audit event.
      </p>
      <table data-testid="retention-policy">
        <thead><tr><th>Category</th><th>Kept</th></tr></thead>
        <tbody>
          {Object.entries(retention.policy).map(([category, kept]) => <tr key={category}><td>{category}</td><td>{kept}</td></tr>)}
        </tbody>
      </table>
      <p className="sub">{retention.applied ? `Applied ${time(retention.applied.at)} by ${retention.applied.by}.` : "No retention applied: every event is kept forever. Set retention: in prodtrail.yaml (e.g. access: 400d, change: 7y) and restart."}</p>
      <AddHoldForm />
      {active.length === 0 ? (
        <div className="notice empty">No active legal holds.</div>
      ) : (
        <div className="scroll">
          <table data-testid="legal-holds">
            <thead><tr><th>Hold</th><th>Keeps</th><th>Days</th><th>Reason</th><th>Set</th><th /></tr></thead>
            <tbody>
              {active.map((h) => (
                <tr key={h.hold_id} data-hold-id={h.hold_id}>
                  <td><code>{h.hold_id}</code></td>
                  <td>{what(h)}</td>
                  <td>{h.from !== null ? `${h.from} – ${h.to ?? ""}` : "without end"}</td>
                  <td>{h.reason}</td>
                  <td>{time(h.set_at)} by {h.set_by}</td>
                  <td><ReleaseHoldForm holdId={h.hold_id} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {released.length > 0 ? (
        <details>
          <summary>{released.length} released hold(s)</summary>
          <ul>
            {released.slice(0, 100).map((h) => (
              <li key={h.hold_id}><code>{h.hold_id}</code> {what(h)}: set {time(h.set_at)} by {h.set_by}, released {h.released ? `${time(h.released.at)} by ${h.released.by} (${h.released.reason})` : ""}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
