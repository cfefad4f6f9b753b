import { hostname, networkInterfaces } from "node:os";
import type { Config } from "../config/schema";

/**
 * The URLs this server is reached at (`server.public_urls`), and the Host
 * header check built from them. A request whose Host is not one of them —
 * a page on attacker.example whose DNS name was rebound to 127.0.0.1 — is
 * refused before any route runs (server/router.ts), so a browser tricked
 * into talking to a loopback server cannot post events or register keys.
 *
 * Unset, the allowed names are derived: loopback names at the bound port,
 * the configured host, and on a wildcard bind (0.0.0.0, ::) this machine's
 * host name and interface addresses. A DNS-rebinding page always arrives
 * with its own name, never one of these.
 */
type ServerConfig = Pick<Config["server"], "host" | "public_urls">;

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** An address or name as it appears in a Host header: IPv6 in brackets, lower case. */
function authorityName(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes(":") && !lower.startsWith("[") ? `[${lower}]` : lower;
}

/** Every Host header value this server answers to (`name:port`, and the bare name on the scheme's default port). */
export function allowedAuthorities(server: ServerConfig, port: number): Set<string> {
  const allowed = new Set<string>();
  for (const url of server.public_urls) allowed.add(new URL(url).host.toLowerCase());
  const names = new Set(LOOPBACK_NAMES);
  // The bind address itself too: `prodtrail demo` posts to http://0.0.0.0:3000 when server.host is 0.0.0.0.
  if (server.host !== "") names.add(authorityName(server.host));
  if (WILDCARD.has(server.host)) {
    names.add(authorityName(hostname()));
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) names.add(authorityName(a.address));
  }
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    if (port === 80) allowed.add(name);
  }
  return allowed;
}

/**
 * The base URL links should carry (the timeline permalink, exports): the
 * first configured public URL, else this server's own loopback address —
 * never the request's Host header, which the client chose.
 */
export function publicBaseUrl(server: ServerConfig, port: number): string {
  const first = server.public_urls[0];
  if (first !== undefined) return first.replace(/\/+$/, "");
  const name = WILDCARD.has(server.host) ? (server.host === "::" ? "[::1]" : "127.0.0.1") : authorityName(server.host);
  return `http://${name}:${port}`;
}

export type HostVerdict = { ok: true } | { ok: false; status: 421 | 403; message: string };

/** The Host (and, when sent, the Origin) of a request against the allowed authorities. */
export function checkRequestHost(headers: { host?: string | undefined; origin?: string | undefined }, allowed: ReadonlySet<string>): HostVerdict {
  const host = (headers.host ?? "").toLowerCase();
  const known = [...allowed].slice(0, 6).join(", ");
  if (!allowed.has(host)) {
    return {
      ok: false,
      status: 421,
      message: `Host ${host === "" ? "(none)" : JSON.stringify(host)} is not one of this server's public URLs (${known}); if people or collectors reach it under that name, add it to server.public_urls`,
    };
  }
  const origin = headers.origin;
  if (origin === undefined) return { ok: true };
  let originHost: string | undefined;
  try {
    originHost = origin === "null" ? undefined : new URL(origin).host.toLowerCase();
  } catch {
    originHost = undefined;
  }
  if (originHost !== undefined && allowed.has(originHost)) return { ok: true };
  return { ok: false, status: 403, message: `Origin ${JSON.stringify(origin.slice(0, 200))} is not this server (its public URLs: ${known}); requests from other sites are refused` };
}

const PUBLIC_URL_KEY = Symbol.for("prodtrail.public-url");

/** serve publishes its base URL once it listens; the dashboard's server code (its own bundle) reads it with sharedPublicBaseUrl. */
export function publishPublicBaseUrl(url: string | undefined): void {
  if (url === undefined) Reflect.deleteProperty(globalThis, PUBLIC_URL_KEY);
  else Reflect.set(globalThis, PUBLIC_URL_KEY, url);
}

export class PublicUrlUnavailableError extends Error {
  constructor() {
    super("this server's public URL is not known in this process: the dashboard must be served by `prodtrail serve`, which publishes it once it listens");
    this.name = "PublicUrlUnavailableError";
  }
}

/** The configured public base URL (no trailing slash), e.g. for the timeline permalink. */
export function sharedPublicBaseUrl(): string {
  const value: unknown = Reflect.get(globalThis, PUBLIC_URL_KEY);
  if (typeof value !== "string") throw new PublicUrlUnavailableError();
  return value;
}
