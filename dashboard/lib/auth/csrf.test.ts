import { describe, expect, it } from "vitest";
import { CsrfError, verifyCsrf } from "./csrf";
import { safeNextPath } from "./next-path";

const req = (headers: Record<string, string>) => ({ headers: new Headers(headers) });

describe("verifyCsrf", () => {
  it("accepts a request whose Origin is this host", () => {
    expect(() => verifyCsrf(req({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).not.toThrow();
    expect(() => verifyCsrf(req({ host: "10.0.0.5:3000", "x-forwarded-host": "audit.example.com", origin: "https://audit.example.com" }))).not.toThrow();
  });

  it("refuses another site's Origin, a null Origin and a garbage Origin", () => {
    expect(() => verifyCsrf(req({ host: "127.0.0.1:3000", origin: "http://evil.example" }))).toThrow(CsrfError);
    expect(() => verifyCsrf(req({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3001" }))).toThrow(/not this server/);
    expect(() => verifyCsrf(req({ host: "127.0.0.1:3000", origin: "null" }))).toThrow(CsrfError);
    expect(() => verifyCsrf(req({ host: "127.0.0.1:3000", origin: "::::" }))).toThrow(/not a URL/);
  });

  it("without Origin, relies on Sec-Fetch-Site, and refuses when both are missing", () => {
    expect(() => verifyCsrf(req({ host: "h", "sec-fetch-site": "same-origin" }))).not.toThrow();
    expect(() => verifyCsrf(req({ host: "h", "sec-fetch-site": "cross-site" }))).toThrow(/cross-site/);
    expect(() => verifyCsrf(req({ host: "h" }))).toThrow(/neither Origin nor Sec-Fetch-Site/);
    expect(() => verifyCsrf(req({ origin: "http://h" }))).toThrow(/no Host/);
  });
});

describe("safeNextPath", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeNextPath("/events?actor=alice&env=prod")).toBe("/events?actor=alice&env=prod");
  });

  it("turns every off-site or odd target into /", () => {
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "evil", "/ok\u0000", "/a\\b", "/signin?next=/x", "/signout", "", null, "/" + "x".repeat(3000)]) {
      expect(safeNextPath(bad)).toBe("/");
    }
  });
});
