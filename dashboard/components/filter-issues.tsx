import type { FilterIssue } from "../lib/filters/schema";
import { SafeText } from "./safe-text";

/** Refused filter values, named, with what was done instead (they are ignored; the rest of the filters apply). */
export function FilterIssues({ issues }: { issues: FilterIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <div className="notice warn" role="alert" data-testid="filter-issues">
      {issues.map((i) => (
        <div key={i.field}>
          Bad filter <code>{i.field}</code> = <code><SafeText text={i.value} max={80} /></code>: {i.message}. Ignored; fix it in the filter bar.
        </div>
      ))}
    </div>
  );
}
