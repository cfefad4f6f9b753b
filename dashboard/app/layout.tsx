import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "prodtrail",
  description: "Who touched production, when, and through what.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <span className="brand">prodtrail</span>
          <span className="tagline">who touched production, when, through what</span>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
