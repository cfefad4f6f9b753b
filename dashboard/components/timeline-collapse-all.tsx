"use client";

import { useEffect, useState } from "react";

/**
 * "Collapse all / expand all" for the actor groups. Each group is a native
 * <details>, so one group opens and closes without script; these two
 * buttons only exist once the script runs.
 */
export function TimelineCollapseAll() {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  if (!ready) return null;
  const setAll = (open: boolean) => {
    for (const d of document.querySelectorAll<HTMLDetailsElement>("details[data-timeline-group]")) d.open = open;
  };
  return (
    <span>
      <button type="button" onClick={() => setAll(false)} data-testid="timeline-collapse-all">collapse all</button>{" "}
      <button type="button" onClick={() => setAll(true)} data-testid="timeline-expand-all">expand all</button>
    </span>
  );
}
