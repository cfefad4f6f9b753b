import type { Suppression } from "../../../detections/suppressions";
import { RevokeForm } from "./forms";

/** Every suppression with its state: an auditor sees what was silenced, by whom, why and until when. */
export function SuppressionsTable({ rows, mayRevoke }: { rows: readonly Suppression[]; mayRevoke: boolean }) {
  if (rows.length === 0) return <div className="notice empty" data-testid="suppressions-empty">No suppressions.</div>;
  const now = Date.now();
  return (
    <table className="events" data-testid="suppressions-table">
      <thead><tr><th>Rule</th><th>Actor</th><th>Host</th><th>Source</th><th>Reason</th><th>By</th><th>Until</th><th>State</th><th /></tr></thead>
      <tbody>
        {rows.map((s) => {
          const state = s.revoked ? "revoked" : new Date(s.expires_at).getTime() <= now ? "expired" : "active";
          return (
            <tr key={s.suppression_id} data-suppression={s.suppression_id}>
              <td><code>{s.rule_id}</code></td>
              <td>{s.actor_id || "any"}</td>
              <td>{s.host || "any"}</td>
              <td>{s.source_ip || "any"}</td>
              <td>{s.reason}</td>
              <td>{s.created_by}</td>
              <td>{s.expires_at}</td>
              <td>{state}</td>
              <td>{mayRevoke && state === "active" ? <RevokeForm suppressionId={s.suppression_id} /> : null}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
