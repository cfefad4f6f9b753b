import type { FindingCounts } from "../../lib/data/findings";

/** Counts per severity and per rule per day: all a viewer sees, and the head of an analyst's page. */
export function FindingCountsView({ counts }: { counts: FindingCounts }) {
  return (
    <>
      <div className="stats" data-testid="findings-counts">
        {counts.bySeverity.map((s) => (
          <div key={s.severity} className={s.open > 0 && (s.severity === "critical" || s.severity === "high") ? "stat alert" : "stat"}>
            <div className="value" data-testid={`findings-open-${s.severity}`}>{s.open}</div>
            <div className="name">{s.severity} open <span className="muted">of {s.total}</span></div>
          </div>
        ))}
      </div>
      <h2>Findings per rule, last {counts.days.length} days</h2>
      {counts.perRule.length === 0 ? (
        <div className="notice empty">No findings in this period.</div>
      ) : (
        <table className="events" data-testid="findings-per-rule">
          <thead>
            <tr><th>Rule</th>{counts.days.map((d) => <th key={d} title={d}>{d.slice(5)}</th>)}<th>Total</th></tr>
          </thead>
          <tbody>
            {counts.perRule.map((r) => (
              <tr key={r.rule}>
                <td><code>{r.rule}</code></td>
                {counts.days.map((d) => <td key={d}>{r.days[d] ?? ""}</td>)}
                <td>{r.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
