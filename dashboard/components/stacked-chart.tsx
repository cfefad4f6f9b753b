"use client";

import { useState } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Ten colours distinguishable in both themes; series past ten repeat (the data layer folds them into "other" first). */
const PALETTE = ["#4a86c8", "#e07b39", "#3fa66b", "#c94f6d", "#8c6bc8", "#c8a63f", "#3fb2b8", "#8a939e", "#d46ad0", "#6b8e23"];

export interface StackedChartProps {
  points: Array<Record<string, string | number>>;
  keys: string[];
  x: string;
  kind?: "area" | "bar";
  label: string;
  /** Formats the x value for the axis and the table (e.g. a bucket's start time). */
  xFormat?: "time" | "date" | "raw";
  height?: number;
}

function fmtX(v: unknown, how: StackedChartProps["xFormat"]): string {
  const s = String(v);
  if (how === "time") return s.slice(5, 16).replace("T", " ");
  if (how === "date") return s.slice(0, 10);
  return s;
}

// width 99%: at 100% inside a CSS grid cell the container can keep resizing by a pixel (a known recharts loop).
/** A stacked chart with a table view of the same numbers (for screen readers, copying, and exact values). */
export function StackedChart({ points, keys, x, kind = "area", label, xFormat = "raw", height = 220 }: StackedChartProps) {
  const [table, setTable] = useState(false);
  return (
    <figure aria-label={label} style={{ margin: 0 }}>
      <div style={{ display: "flex", justifyContent: "flex-end" }}>
        <button type="button" className="viewtoggle" onClick={() => setTable(!table)} aria-pressed={table}>
          {table ? "chart" : "table"}
        </button>
      </div>
      {table ? (
        <div className="scroll" style={{ maxHeight: height + 40, overflowY: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>{x}</th>
                {keys.map((k) => <th key={k} className="num">{k}</th>)}
                <th className="num">total</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={String(p[x])}>
                  <td className="mono">{fmtX(p[x], xFormat)}</td>
                  {keys.map((k) => <td key={k} className="num">{Number(p[k] ?? 0).toLocaleString("en-US")}</td>)}
                  <td className="num">{keys.reduce((s, k) => s + Number(p[k] ?? 0), 0).toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <ResponsiveContainer width="99%" height={height}>
          {kind === "area" ? (
            <AreaChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#8884" />
              <XAxis dataKey={x} tickFormatter={(v) => fmtX(v, xFormat)} tick={{ fontSize: 11, fill: "#8a939e" }} minTickGap={24} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#8a939e" }} />
              <Tooltip labelFormatter={(v) => fmtX(v, xFormat)} contentStyle={{ background: "var(--bg)", border: "1px solid var(--line)" }} />
              <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
              {keys.map((k, i) => (
                <Area key={k} type="monotone" dataKey={k} stackId="1" stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]} fillOpacity={0.6} isAnimationActive={false} />
              ))}
            </AreaChart>
          ) : (
            <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#8884" />
              <XAxis dataKey={x} tickFormatter={(v) => fmtX(v, xFormat)} tick={{ fontSize: 11, fill: "#8a939e" }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#8a939e" }} />
              <Tooltip labelFormatter={(v) => fmtX(v, xFormat)} contentStyle={{ background: "var(--bg)", border: "1px solid var(--line)" }} />
              <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
              {keys.map((k, i) => (
                <Bar key={k} dataKey={k} stackId="1" fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          )}
        </ResponsiveContainer>
      )}
    </figure>
  );
}
