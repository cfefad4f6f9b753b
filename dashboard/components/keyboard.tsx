"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Keys for people who live in the table:
 *   j / k   next / previous row (rows marked data-row, carrying data-href)
 *   Enter   open the selected row
 *   Esc     close the drawer (a link marked data-close)
 *   g o / g e / g t / g l   overview, explorer, trends, timeline
 * ("/" to search lives in the filter bar.) Keys are ignored while typing.
 */
const GO: Record<string, string> = { o: "/", e: "/events", t: "/trends", l: "/timeline" };

export function Keyboard() {
  const router = useRouter();
  const pathname = usePathname();
  useEffect(() => {
    let pendingG = 0;
    const rows = () => [...document.querySelectorAll<HTMLElement>("[data-row]")];
    const select = (delta: number) => {
      const all = rows();
      if (all.length === 0) return;
      const current = all.findIndex((r) => r.getAttribute("aria-selected") === "true");
      const next = all[Math.min(all.length - 1, Math.max(0, current === -1 ? 0 : current + delta))];
      for (const r of all) r.setAttribute("aria-selected", r === next ? "true" : "false");
      next?.scrollIntoView({ block: "nearest" });
    };
    const onKey = (e: KeyboardEvent) => {
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || e.metaKey || e.ctrlKey || e.altKey) return;
      if (Date.now() - pendingG < 1000 && GO[e.key]) {
        pendingG = 0;
        router.push(GO[e.key] ?? "/");
        return;
      }
      if (e.key === "g") pendingG = Date.now();
      else if (e.key === "j") select(1);
      else if (e.key === "k") select(-1);
      else if (e.key === "Enter") {
        const href = rows().find((r) => r.getAttribute("aria-selected") === "true")?.dataset.href;
        if (href) router.replace(href, { scroll: false });
      } else if (e.key === "Escape") {
        const close = document.querySelector<HTMLAnchorElement>("a[data-close]");
        if (close) {
          e.preventDefault();
          router.replace(close.getAttribute("href") ?? pathname, { scroll: false });
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router, pathname]);
  return null;
}
