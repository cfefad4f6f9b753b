"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition, type FormEvent } from "react";

/**
 * The one filter bar. State lives in the URL (router.replace, so filtering
 * does not pile up history entries and any view can be shared); the server
 * re-renders the page for the new URL. Text fields apply on Enter or on
 * leaving the field; presets apply at once. `/` focuses the search box.
 */
const PRESETS = ["1h", "24h", "7d", "30d", "90d"] as const;
const FIELDS = [
  ["env", "env", "prod,staging"],
  ["service", "service", "payments"],
  ["host", "host", "web-01"],
  ["actor", "actor", "alice@example.com"],
  ["team", "team", "platform"],
  ["channel", "channel", "ssh,sudo"],
  ["type", "type", "access.login or change.*"],
] as const;
/** Keys that are page state, not filters: a new filter starts again from the first page and closes the drawer. */
const RESET_ON_CHANGE = ["cursor", "event"];

export function FilterBar({ fields = FIELDS.map((f) => f[0]), search = true, defaultRange = "24h" }: { fields?: readonly string[]; search?: boolean; defaultRange?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const qRef = useRef<HTMLInputElement>(null);
  const range = params.get("from") || params.get("to") ? null : (params.get("range") ?? defaultRange);
  const [custom, setCustom] = useState(range === null);

  const apply = (changes: Record<string, string | null>) => {
    if (Object.entries(changes).every(([k, v]) => (params.get(k) ?? "") === (v ?? ""))) return;
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === "") next.delete(k);
      else next.set(k, v);
    }
    for (const k of RESET_ON_CHANGE) next.delete(k);
    const qs = next.toString();
    startTransition(() => router.replace(qs === "" ? pathname : `${pathname}?${qs}`, { scroll: false }));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target;
      const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
      if (e.key === "/" && !typing && !e.metaKey && !e.ctrlKey) {
        e.preventDefault();
        qRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const changes: Record<string, string | null> = {};
    for (const key of [...fields, "q", "from", "to"]) {
      const v = form.get(key);
      if (typeof v !== "string") continue;
      changes[key] = key === "from" || key === "to" ? (v === "" ? null : `${v}Z`) : v.trim();
    }
    if (custom && (changes.from || changes.to)) changes.range = null;
    apply(changes);
  };

  const local = (key: string) => (params.get(key) ?? "").replace(/Z$/, "").slice(0, 16);
  return (
    <form className="filterbar" onSubmit={onSubmit} onBlur={(e) => e.target instanceof HTMLInputElement && e.currentTarget.requestSubmit()} aria-label="filters" data-pending={pending ? "true" : undefined}>
      <div className="presets" role="group" aria-label="time range">
        {PRESETS.map((p) => (
          <button key={p} type="button" aria-pressed={!custom && range === p} onClick={() => { setCustom(false); apply({ range: p, from: null, to: null }); }}>
            {p}
          </button>
        ))}
        <button type="button" aria-pressed={custom} onClick={() => setCustom(true)}>custom</button>
      </div>
      {custom ? (
        <>
          <label>from (UTC)<input type="datetime-local" name="from" defaultValue={local("from")} /></label>
          <label>to (UTC)<input type="datetime-local" name="to" defaultValue={local("to")} /></label>
        </>
      ) : null}
      {FIELDS.filter(([key]) => fields.includes(key)).map(([key, label, placeholder]) => (
        <label key={`${key}=${params.get(key) ?? ""}`}>
          {label}
          <input name={key} defaultValue={params.get(key) ?? ""} placeholder={placeholder} autoComplete="off" spellCheck={false} />
        </label>
      ))}
      {search ? (
        <label key={`q=${params.get("q") ?? ""}`}>
          <span>search <kbd>/</kbd></span>
          <input ref={qRef} className="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="command, path, session, id…" autoComplete="off" spellCheck={false} />
        </label>
      ) : null}
      <button type="submit">Apply</button>
      {[...params.keys()].some((k) => k !== "range") ? (
        <button type="button" onClick={() => startTransition(() => router.replace(pathname))}>Clear</button>
      ) : null}
      {pending ? <span className="muted" role="status">loading…</span> : null}
    </form>
  );
}
