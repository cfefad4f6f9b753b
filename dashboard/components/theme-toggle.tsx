"use client";

import { useState } from "react";

export type Theme = "system" | "light" | "dark";
const NEXT: Record<Theme, Theme> = { system: "dark", dark: "light", light: "system" };

/**
 * Cycles system → dark → light. The choice is a cookie (a year, Lax) so the
 * server renders the right theme on the first byte — no flash, and no
 * inline script, which the CSP would refuse anyway.
 */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  const cycle = () => {
    const next = NEXT[theme];
    setTheme(next);
    document.cookie = `theme=${next}; path=/; max-age=31536000; samesite=lax`;
    if (next === "system") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.dataset.theme = next;
  };
  return (
    <button type="button" onClick={cycle} title="theme: system, dark or light" aria-label={`theme: ${theme}`} data-testid="theme-toggle">
      {theme === "dark" ? "◐ dark" : theme === "light" ? "◑ light" : "◒ system"}
    </button>
  );
}
