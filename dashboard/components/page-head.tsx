import type { ReactNode } from "react";
import type { Filters } from "../lib/filters/schema";
import { fmtTime } from "./time";

const PRESET_TITLES: Record<string, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days" };

export function windowTitle(filters: Filters): string {
  return filters.range ? (PRESET_TITLES[filters.range] ?? filters.range) : `${fmtTime(filters.from, false)} – ${fmtTime(filters.to, false)} UTC`;
}

/** The page title and the scope in words, so a screenshot or a shared link says what it shows. */
export function PageHead({ title, filters, children }: { title: ReactNode; filters: Filters; children?: ReactNode }) {
  const scope = (["env", "service", "host", "actor", "team", "channel", "type"] as const).filter((k) => filters[k].length > 0);
  return (
    <>
      <h1>{title}</h1>
      <p className="sub">
        {fmtTime(filters.from, false)} – {fmtTime(filters.to, false)} UTC
        {scope.length === 0 ? " · everything" : scope.map((k) => <span key={k}> · {k} <code>{filters[k].join(", ")}</code></span>)}
        {filters.q !== "" ? <> · search <code>{filters.q}</code></> : null}
        {children}
      </p>
    </>
  );
}
