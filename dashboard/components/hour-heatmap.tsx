import type { HourCell } from "../lib/data/profiles";

/**
 * 24 cells per row: this window's events per day at each UTC hour, and the
 * baseline's. Intensity is relative to the busiest cell of both rows; a
 * cell active now but never in the baseline is outlined (an unusual hour).
 */
export function HourHeatmap({ hours }: { hours: HourCell[] }) {
  const max = Math.max(0.0001, ...hours.map((h) => Math.max(h.inRange, h.baseline)));
  const row = (label: string, value: (h: HourCell) => number, mark: boolean) => (
    <>
      <div className="lbl" style={{ textAlign: "left" }}>{label}</div>
      {hours.map((h) => (
        <div
          key={h.hour}
          className={mark && h.unusual ? "cell unusual" : "cell"}
          style={{ opacity: value(h) === 0 ? 0.06 : 0.2 + 0.8 * (value(h) / max) }}
          title={`${String(h.hour).padStart(2, "0")}:00 UTC — ${value(h).toFixed(2)} events/day${mark && h.unusual ? " (never in the baseline)" : ""}`}
          data-unusual={mark && h.unusual ? "true" : undefined}
        />
      ))}
    </>
  );
  const unusual = hours.filter((h) => h.unusual).map((h) => `${String(h.hour).padStart(2, "0")}:00`);
  return (
    <>
      <div className="heat" role="img" aria-label="events per hour of day, this window and baseline">
        <div />
        {hours.map((h) => <div key={h.hour} className="lbl">{h.hour % 3 === 0 ? String(h.hour).padStart(2, "0") : ""}</div>)}
        {row("this window", (h) => h.inRange, true)}
        {row("baseline", (h) => h.baseline, false)}
      </div>
      <p className="sub" data-testid="unusual-hours">
        {unusual.length === 0 ? "No activity at hours unused in the baseline." : <>Active at hours never used in the baseline: <strong>{unusual.join(", ")}</strong> UTC.</>}
      </p>
      <details>
        <summary>table</summary>
        <table>
          <thead><tr><th>hour (UTC)</th><th className="num">this window, events/day</th><th className="num">baseline, events/day</th></tr></thead>
          <tbody>{hours.map((h) => <tr key={h.hour}><td>{String(h.hour).padStart(2, "0")}:00</td><td className="num">{h.inRange.toFixed(2)}</td><td className="num">{h.baseline.toFixed(2)}</td></tr>)}</tbody>
        </table>
      </details>
    </>
  );
}
