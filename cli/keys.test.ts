import { describe, expect, it } from "vitest";
import { postEvents, useGatewayFixture } from "../ingest/gateway/testing";
import { makeEvent } from "../test/factories/events";
import { runKeysCommand } from "./keys";
import { UsageError } from "./usage";

/** `prodtrail keys create --hosts`: the key writes for exactly the hosts it was issued for. */
const fx = useGatewayFixture();

async function createKey(...args: string[]): Promise<string> {
  const lines: string[] = [];
  expect(await runKeysCommand(["create", ...args], { store: fx.store, print: (l) => lines.push(l) })).toBe(0);
  const token = lines.join("\n").match(/\bptk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\b/)?.[0];
  if (token === undefined) throw new Error(`no token printed: ${lines.join("\n")}`);
  return token;
}

describe("prodtrail keys create --hosts", () => {
  it("issues a key for its name by default and for the listed hosts (names or globs) with --hosts", async () => {
    const { url } = await fx.serve("required");
    const plain = await createKey("--name", "web-11");
    expect((await postEvents(url, [makeEvent({ host: "web-11" })], plain)).status).toBe(200);
    expect((await postEvents(url, [makeEvent({ host: "web-11b" })], plain)).status).toBe(403);
    const wide = await createKey("--name", "ci", "--hosts", "web-1*,db-01");
    expect((await postEvents(url, [makeEvent({ host: "web-12" }), makeEvent({ host: "db-01" })], wide)).status).toBe(200);
    expect((await postEvents(url, [makeEvent({ host: "db-02" })], wide)).status).toBe(403);
  });

  it("names a bad host instead of issuing a key", async () => {
    await expect(runKeysCommand(["create", "--name", "web-13", "--hosts", "web-13,bad host"], { store: fx.store, print: () => undefined })).rejects.toThrow(UsageError);
    await expect(runKeysCommand(["create", "--name", "web-13", "--hosts", "web-13,bad host"], { store: fx.store, print: () => undefined })).rejects.toThrow(/'bad host'/);
  });
});
