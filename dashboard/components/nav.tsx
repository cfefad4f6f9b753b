"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";

/** Filters carried from page to page: the same window and scope on the next view. Page state (cursor, event) is not. */
const CARRIED = ["range", "from", "to", "env", "service", "host", "actor", "team", "channel", "type"];

const PAGES = [
  { href: "/", label: "Overview" },
  { href: "/events", label: "Access explorer" },
  { href: "/trends", label: "Trends" },
  { href: "/timeline", label: "Timeline" },
  { href: "/findings", label: "Anomalies" },
] as const;

/** `hide`: pages the viewer's role may not open (they answer 403), left out of the bar. */
export function Nav({ extra = [], hide = [] }: { extra?: ReadonlyArray<{ href: string; label: string }>; hide?: readonly string[] }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const carried = new URLSearchParams();
  for (const k of CARRIED) {
    const v = params.get(k);
    if (v) carried.set(k, v);
  }
  const qs = carried.toString();
  return (
    <nav className="nav" aria-label="pages">
      {[...PAGES, ...extra].filter((p) => !hide.includes(p.href)).map((p) => {
        const active = p.href === "/" ? pathname === "/" : pathname.startsWith(p.href);
        return (
          <Link key={p.href} href={qs ? `${p.href}?${qs}` : p.href} aria-current={active ? "page" : undefined}>
            {p.label}
          </Link>
        );
      })}
    </nav>
  );
}
