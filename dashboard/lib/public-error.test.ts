import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { StoreError } from "../../store/errors";
import { defineQuery } from "../../store/query";
import { openTestStore, type TestStore } from "../../test/store";
import { AuditUnavailableError } from "../../server/auth/record-audit";
import { PanelError } from "../components/panel";
import { publicErrorText } from "./public-error";

/**
 * Issue #9: error pages showed the store's message, and ClickHouse quotes
 * the failing SQL in it. The oracle is a real failing query: its message
 * holds the SQL, the public text must not.
 */
let store: TestStore;
let failure: unknown;

beforeAll(async () => {
  store = await openTestStore();
  const broken = defineQuery({
    name: "test.broken",
    params: z.object({ secret: z.string() }),
    row: z.object({ n: z.number() }),
    sql: (t) => `SELECT count() AS n FROM ${t.events} WHERE command = {secret:String} AND no_such_column = 1`,
  });
  failure = await broken(store, { secret: "x" }).catch((error: unknown) => error);
}, 120_000);
afterAll(async () => store?.drop());

describe("publicErrorText", () => {
  it("names the failed query and its reference, never the SQL the engine quoted", () => {
    expect(failure).toBeInstanceOf(StoreError);
    const internal = failure instanceof Error ? failure.message : "";
    expect(internal).toMatch(/no_such_column/);
    const shown = publicErrorText(failure);
    expect(shown).toContain("test.broken");
    expect(shown).not.toMatch(/no_such_column|SELECT|WHERE|events/);
  });

  it("keeps the SQL out of a failed panel's notice", () => {
    const html = renderToStaticMarkup(createElement(PanelError, { error: failure }));
    expect(html).toContain("could not be loaded");
    expect(html).not.toMatch(/no_such_column|SELECT/);
  });

  it("keeps a store failure's SQL out of an audit failure's text too", () => {
    const shown = publicErrorText(new AuditUnavailableError(failure));
    expect(shown).toMatch(/audit record/);
    expect(shown).not.toMatch(/no_such_column|SELECT/);
  });

  it("says nothing internal about an unexpected error", () => {
    expect(publicErrorText(new Error("SELECT secret FROM t"))).not.toContain("SELECT");
  });
});
