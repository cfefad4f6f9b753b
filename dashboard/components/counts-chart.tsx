"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** One horizontal bar per name; the same numbers are in the table beside it. */
export function CountsChart({ data, label }: { data: Array<{ name: string; events: number }>; label: string }) {
  const height = Math.max(120, data.length * 26 + 40);
  return (
    <figure aria-label={label} style={{ margin: 0 }}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#8884" />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11, fill: "#8a939e" }} />
          <YAxis type="category" dataKey="name" width={96} tick={{ fontSize: 12, fill: "#8a939e" }} />
          <Tooltip cursor={{ fill: "#8882" }} />
          <Bar dataKey="events" name="events" fill="#4a86c8" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
