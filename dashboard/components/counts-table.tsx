import type { RecentCounts } from "../lib/queries/recent-counts";

const fmt = new Intl.NumberFormat("en-US");

/**
 * Category × channel matrix with row and column totals: the chart's numbers,
 * readable without a mouse and by screen readers.
 */
export function CountsTable({ counts }: { counts: RecentCounts }) {
  const channels = counts.byChannel.map((c) => c.name);
  const cell = new Map(counts.cells.map((c) => [`${c.category}\u0000${c.channel}`, c.events]));
  return (
    <div className="scroll">
      <table>
        <caption className="sub" style={{ textAlign: "left" }}>
          Distinct events by category (rows) and channel (columns)
        </caption>
        <thead>
          <tr>
            <th scope="col">category</th>
            {channels.map((ch) => (
              <th scope="col" key={ch}>
                {ch}
              </th>
            ))}
            <th scope="col">total</th>
          </tr>
        </thead>
        <tbody>
          {counts.byCategory.map((cat) => (
            <tr key={cat.name}>
              <th scope="row">{cat.name}</th>
              {channels.map((ch) => {
                const n = cell.get(`${cat.name}\u0000${ch}`) ?? 0;
                return (
                  <td key={ch} className={n === 0 ? "zero" : undefined}>
                    {fmt.format(n)}
                  </td>
                );
              })}
              <td>{fmt.format(cat.events)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>total</td>
            {counts.byChannel.map((ch) => (
              <td key={ch.name}>{fmt.format(ch.events)}</td>
            ))}
            <td data-testid="total-events">{fmt.format(counts.total)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
