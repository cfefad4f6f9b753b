import { fmtNumber } from "./time";

/** The share as numbers: what the chart shows, plus the percentage a team tracks. */
export function PipelineShareTable({ rows }: { rows: Array<{ period: string; pipeline: number; direct: number; share: number | null }> }) {
  return (
    <details>
      <summary>share per period</summary>
      <table data-testid="pipeline-share-table">
        <thead><tr><th>period</th><th className="num">pipeline</th><th className="num">direct</th><th className="num">through pipeline</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.period}>
              <td className="mono">{r.period}</td>
              <td className="num">{fmtNumber(r.pipeline)}</td>
              <td className="num">{fmtNumber(r.direct)}</td>
              <td className="num">{r.share === null ? "–" : `${r.share}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
