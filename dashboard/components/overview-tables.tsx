import Link from "next/link";
import type { Filters } from "../lib/filters/schema";
import { hrefWith } from "../lib/filters/url";
import { Empty } from "./panel";
import { SafeText } from "./safe-text";
import { Time, fmtNumber } from "./time";

interface ActorRow { actor_id: string; kind: string; events: number; hosts: number; sessions: number; changes: number; channels: string[] }
interface HostRow { host: string; host_env: string; events: number; actors: number; changes: number }
interface SessionRow { session_id: string; actor: string; on_host: string; in_env: string; via: string; started_at: string; last_at: string; events: number }

export function TopActorsTable({ rows, filters }: { rows: ActorRow[]; filters: Filters }) {
  if (rows.length === 0) return <Empty>Nobody touched anything in this window with these filters.</Empty>;
  return (
    <div className="scroll">
    <table>
      <thead><tr><th>actor</th><th className="num">events</th><th className="num">hosts</th><th className="num">sessions</th><th className="num">changes</th><th>channels</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.actor_id}>
            <td><Link href={hrefWith(`/actors/${encodeURIComponent(r.actor_id)}`, filters)}><SafeText text={r.actor_id} max={60} /></Link>{r.kind !== "human" ? <span className="muted"> ({r.kind})</span> : null}</td>
            <td className="num">{fmtNumber(r.events)}</td>
            <td className="num">{fmtNumber(r.hosts)}</td>
            <td className="num">{fmtNumber(r.sessions)}</td>
            <td className="num">{fmtNumber(r.changes)}</td>
            <td>{r.channels.join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

export function TopHostsTable({ rows, filters }: { rows: HostRow[]; filters: Filters }) {
  if (rows.length === 0) return <Empty>No host was touched in this window with these filters.</Empty>;
  return (
    <div className="scroll">
    <table>
      <thead><tr><th>host</th><th>env</th><th className="num">events</th><th className="num">people &amp; services</th><th className="num">changes</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.host}>
            <td><Link href={hrefWith(`/hosts/${encodeURIComponent(r.host)}`, filters)}><SafeText text={r.host} max={60} /></Link></td>
            <td>{r.host_env}</td>
            <td className="num">{fmtNumber(r.events)}</td>
            <td className="num">{fmtNumber(r.actors)}</td>
            <td className="num">{fmtNumber(r.changes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

export function OpenSessionsTable({ rows, filters }: { rows: SessionRow[]; filters: Filters }) {
  if (rows.length === 0) return <Empty>No open sessions: every login of the last hours has a logout.</Empty>;
  return (
    <div className="scroll">
      <table>
        <thead><tr><th>since (UTC)</th><th>last activity</th><th>actor</th><th>host</th><th>env</th><th>channel</th><th className="num">events</th><th>session</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.session_id}>
              <td><Time iso={r.started_at} /></td>
              <td><Time iso={r.last_at} /></td>
              <td><Link href={hrefWith(`/actors/${encodeURIComponent(r.actor)}`, filters)}><SafeText text={r.actor} max={60} /></Link></td>
              <td><Link href={hrefWith(`/hosts/${encodeURIComponent(r.on_host)}`, filters)}><SafeText text={r.on_host} max={60} /></Link></td>
              <td>{r.in_env}</td>
              <td>{r.via}</td>
              <td className="num">{fmtNumber(r.events)}</td>
              <td className="mono"><Link href={hrefWith("/events", { ...filters, q: r.session_id })}><SafeText text={r.session_id} max={40} /></Link></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
