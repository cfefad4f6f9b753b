import { describe, expect, it } from "vitest";
import { checkSpoolOracle, type OracleInput } from "./testdata/oracle";

/** The SIGKILL oracle must be able to fail: each planted fault is reported. */
const good: OracleInput = {
  resolved: ["1:0", "1:1", "1:2", "1:3", "2:0", "2:1"],
  delivered: [
    { round: 1, ids: ["1:0", "1:1"] },
    { round: 1, ids: ["1:2"] }, // delivered, then killed before the ack was persisted
    { round: 2, ids: ["1:2", "1:3"] }, // legal resend of the in-flight batch
  ],
  unacked: ["1:4", "2:0", "2:1"], // 1:4 was appended but killed before its append logged
};

describe("spool oracle", () => {
  it("passes a history with one crash resend", () => {
    expect(checkSpoolOracle(good)).toEqual([]);
  });

  it("reports a record that vanished", () => {
    const v = checkSpoolOracle({ ...good, unacked: ["1:4", "2:1"] });
    expect(v).toEqual(["2:0 was appended (resolved) but is neither delivered nor in the spool"]);
  });

  it("reports a duplicate in the spool", () => {
    expect(checkSpoolOracle({ ...good, unacked: ["1:4", "2:0", "2:0", "2:1"] })).toContain("2:0 is twice in the spool");
  });

  it("reports a resend that is not the in-flight batch", () => {
    const delivered = [...good.delivered, { round: 3, ids: ["1:0"] }];
    expect(checkSpoolOracle({ ...good, delivered }).join("\n")).toContain("1:0 delivered again");
  });

  it("reports a resend within the same run (no crash in between)", () => {
    const delivered = [{ round: 1, ids: ["1:0"] }, { round: 1, ids: ["1:0", "1:1"] }, ...good.delivered.slice(1)];
    expect(checkSpoolOracle({ ...good, delivered }).join("\n")).toContain("1:0 delivered again in batch 1 (round 1)");
  });

  it("reports an acked record that is still in the spool", () => {
    expect(checkSpoolOracle({ ...good, unacked: ["1:0", ...good.unacked] }).join("\n")).toContain("1:0 is still unacked");
  });

  it("reports out-of-order delivery", () => {
    const delivered = [{ round: 1, ids: ["1:1", "1:0"] }, ...good.delivered.slice(1)];
    expect(checkSpoolOracle({ ...good, delivered }).join("\n")).toContain("1:0 is out of append order");
  });
});
