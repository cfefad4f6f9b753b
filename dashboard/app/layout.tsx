import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { Nav } from "../components/nav";
import { Keyboard } from "../components/keyboard";
import { ThemeToggle, type Theme } from "../components/theme-toggle";
import { can } from "../lib/auth/permissions";
import { getViewer } from "../lib/auth/session";
import { SignOutButton } from "./signout/signout-button";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "prodtrail", template: "%s · prodtrail" },
  description: "Who touched production, when, and through what.",
};

function themeFrom(value: string | undefined): Theme {
  return value === "dark" || value === "light" ? value : "system";
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [jar, viewer] = await Promise.all([cookies(), getViewer()]);
  const theme = themeFrom(jar.get("theme")?.value);
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            prodtrail
          </Link>
          {viewer ? (
            <Suspense fallback={null}>
              {/* Direct edits (the drift engine's page) is for roles that may read drift. */}
              <Nav
                extra={can(viewer, "drift:read") ? [{ href: "/drift", label: "Direct edits" }] : []}
                hide={[...(can(viewer, "events:read") ? [] : ["/events"]), ...(can(viewer, "timeline:read") ? [] : ["/timeline"])]}
              />
            </Suspense>
          ) : (
            <span className="tagline">who touched production, when, through what</span>
          )}
          <span className="spacer" />
          <ThemeToggle initial={theme} />
          {viewer ? <SignOutButton viewer={viewer} /> : null}
        </header>
        <Keyboard />
        <main>{children}</main>
      </body>
    </html>
  );
}
