import { Suspense, type ReactNode } from "react";
import { publicErrorText } from "../lib/public-error";

/** A titled panel whose body streams in: the page renders at once and each panel fills when its query returns. */
export function Panel({ title, wide, children, rows = 6, testId }: { title: ReactNode; wide?: boolean; children: ReactNode; rows?: number; testId?: string }) {
  return (
    <section className={wide ? "panel wide" : "panel"} data-testid={testId}>
      <h2>{title}</h2>
      <Suspense fallback={<Skeleton rows={rows} />}>{children}</Suspense>
    </section>
  );
}

export function Skeleton({ rows = 6 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ height: "1rem", margin: "0.35rem 0", width: `${90 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

/** What to say when a panel's query failed: which query, and where to look next (never the engine's message: it quotes the SQL). */
export function PanelError({ error }: { error: unknown }) {
  return (
    <div className="notice error" role="alert">
      <strong>This panel could not be loaded:</strong> {publicErrorText(error)}
      <br />
      Reload to retry; the server log has the query name. <a href="/api/health">/api/health</a> says whether the store is up.
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="notice empty" data-testid="empty">
      {children}
    </div>
  );
}
