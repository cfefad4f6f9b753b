import Link from "next/link";
import { fmtNumber } from "./time";

/**
 * Offset pages of a list whose total is known: "items a–b of N" with newer /
 * older links. `href(offset)` builds the page's URL (filters stay in it).
 * Lists here are small pages of large sets: every list on a page is bounded.
 */
export function Pager({ offset, shown, total, pageSize, href, noun, testId }: { offset: number; shown: number; total: number; pageSize: number; href: (offset: number) => string; noun: string; testId?: string }) {
  if (total <= pageSize && offset === 0) return null;
  return (
    <nav className="pager" aria-label={`${noun} pages`} data-testid={testId}>
      {offset > 0 ? <Link href={href(Math.max(0, offset - pageSize))} rel="prev">← previous</Link> : null}
      <span className="muted">
        {shown === 0 ? `no ${noun} on this page` : `${noun} ${fmtNumber(offset + 1)}–${fmtNumber(offset + shown)}`} of {fmtNumber(total)}
      </span>
      {offset + shown < total ? <Link href={href(offset + pageSize)} rel="next">next →</Link> : null}
      {shown === 0 && offset > 0 ? <Link href={href(0)}>first page</Link> : null}
    </nav>
  );
}

/** A page offset from the URL: a non-negative multiple of the page size, capped so a hand-edited URL cannot ask for row ten million. */
export function offsetParam(raw: string | undefined, pageSize: number, max = 100_000): number {
  const n = Number.parseInt(raw ?? "0", 10);
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.min(max, Math.floor(n / pageSize) * pageSize);
}
