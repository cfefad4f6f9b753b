"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode, type PointerEvent } from "react";
import { brushed } from "../lib/data/timeline-window";
import styles from "./timeline.module.css";

/**
 * Drag across the histogram to zoom to that stretch: the selection becomes
 * `from`/`to` in the URL (a permalink, like every zoom link). The drag area
 * only exists once the script runs; without it the tick and zoom links
 * above do the same job.
 */
const MIN_DRAG_PX = 4;

export function TimelineBrush({ from, to, base, children }: { from: string; to: string; base: string; children: ReactNode }) {
  const router = useRouter();
  const area = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  const [sel, setSel] = useState<{ a: number; b: number } | null>(null);
  // The drag area appears after hydration: rendered on the server it would cover nothing a no-script reader can use.
  useEffect(() => setReady(true), []);
  const frac = (e: PointerEvent<HTMLDivElement>) => {
    const box = area.current?.getBoundingClientRect();
    if (!box || box.width === 0) return 0;
    return Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
  };
  const end = (e: PointerEvent<HTMLDivElement>) => {
    if (!sel) return;
    const b = frac(e);
    const width = area.current?.getBoundingClientRect().width ?? 0;
    setSel(null);
    if (Math.abs(b - sel.a) * width < MIN_DRAG_PX) return;
    const w = brushed(from, to, sel.a, b);
    const query = new URLSearchParams(base);
    query.set("from", w.from);
    query.set("to", w.to);
    router.push(`/timeline?${query.toString()}`);
  };
  return (
    <div className={styles.histo}>
      {children}
      {ready ? (
        <div
          ref={area}
          className={styles.brushArea}
          data-testid="timeline-brush"
          title="drag to zoom to a stretch of time"
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            const a = frac(e);
            setSel({ a, b: a });
          }}
          onPointerMove={(e) => {
            if (sel) setSel({ a: sel.a, b: frac(e) });
          }}
          onPointerUp={end}
          onPointerCancel={() => setSel(null)}
        >
          {sel ? <div className={styles.brushSel} style={{ left: `${Math.min(sel.a, sel.b) * 100}%`, width: `${Math.abs(sel.b - sel.a) * 100}%` }} /> : null}
        </div>
      ) : null}
    </div>
  );
}
