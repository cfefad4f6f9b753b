import Link from "next/link";
import type { ReactNode } from "react";
import type { DriftRow } from "../../../drift/queries";
import type { UnmanagedGroup } from "../../../drift/unmanaged";
import type { DriftState } from "../../../drift/states";
import { fmtNumber } from "../../components/time";
import { STATE_TEXT, stateLabel } from "./state-text";

function age(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** One state's edits: its count, what it means, one bounded page of rows, and the way to the rest. */
export function EditGroup({ state, rows, total, more, href, selected, children }: { state: DriftState; rows: DriftRow[]; total: number | undefined; more?: string; href: (id: string) => string; selected: string; children?: ReactNode }) {
  return (
    <section className="drift-group" data-testid={`drift-group-${state}`} aria-labelledby={`drift-h-${state}`}>
      <h2 id={`drift-h-${state}`}>
        {stateLabel(state)} <span className="muted">{total === undefined ? "" : fmtNumber(total)}</span>
      </h2>
      <p className="sub">{STATE_TEXT[state]}</p>
      <EditsTable rows={rows} href={href} selected={selected} />
      {more && total !== undefined && total > rows.length ? (
        <p><Link href={more} data-testid={`drift-more-${state}`}>all {fmtNumber(total)} {stateLabel(state)} →</Link></p>
      ) : null}
      {children}
    </section>
  );
}

export function EditsTable({ rows, href, selected }: { rows: DriftRow[]; href: (id: string) => string; selected: string }) {
  return (
    <div className="scroll">
      <table className="events" data-testid="drift-table">
        <thead><tr><th>State</th><th>Age</th><th>Host</th><th>Path</th><th>Who</th><th>Commit</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.change_event_id}|${r.path}`} aria-selected={r.change_event_id === selected}>
              <td><Link href={href(r.change_event_id)}>{stateLabel(r.state)}</Link></td>
              <td>{age(r.age_s)}</td>
              <td>{r.host}</td>
              <td><code>{r.path}</code></td>
              <td>{r.actor_id} <span className="muted">{r.attribution_method} {r.attribution_confidence.toFixed(2)}</span></td>
              <td>{r.matched_commit ? <code>{r.matched_commit.slice(0, 10)}</code> : <span className="muted">{r.flagged ? "missing" : "—"}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function UnmanagedTable({ groups, href }: { groups: UnmanagedGroup[]; href: (id: string) => string }) {
  return (
    <div className="scroll">
      <table className="events" data-testid="drift-unmanaged">
        <thead><tr><th>Path</th><th>Hosts</th><th>Changes</th><th>Last seen</th></tr></thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.path}>
              <td><code>{g.path}</code></td>
              <td title={g.sample_hosts.join(", ")}>{g.hosts} <span className="muted">{g.sample_hosts.slice(0, 3).join(", ")}{g.hosts > 3 ? ", …" : ""}</span></td>
              <td>{g.changes}</td>
              <td><Link href={href(g.last_change_event_id)}>{g.last_seen}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What to configure when nothing is classified: the mappings, or the job has not run yet. */
export function NoEditsYet({ unmanaged }: { unmanaged: number }) {
  return (
    <div className="notice empty" data-testid="drift-empty">
      <strong>No classified direct edits yet.</strong>{" "}
      {unmanaged > 0 ? <>All {fmtNumber(unmanaged)} file changes are on unmapped paths: no path mappings. </> : <>No file change on a mapped path has been seen. </>}
      Add <code>drift.mappings</code> to prodtrail.yaml (<code>hosts: [web-*]</code>, <code>host_path: /etc/nginx/</code>, <code>repo: infra</code>, <code>repo_path: nginx/</code>; README, section
      “Direct edits that never reached the codebase”), index the repository with the collector&apos;s git source, and let the drift job run (every <code>drift.interval_seconds</code>, 60 s by default).
    </div>
  );
}
