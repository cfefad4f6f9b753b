/** UTC everywhere: an audit trail compared across hosts and people must not shift with the reader's zone. */
export function fmtTime(iso: string, withSeconds = true): string {
  const s = iso.replace("T", " ").replace(/Z$/, "");
  return withSeconds ? s.slice(0, 19) : s.slice(0, 16);
}

export function Time({ iso, seconds = true }: { iso: string; seconds?: boolean }) {
  return (
    <time dateTime={iso} className="mono">
      {fmtTime(iso, seconds)}
    </time>
  );
}

export const fmtNumber = (n: number) => new Intl.NumberFormat("en-US").format(n);
