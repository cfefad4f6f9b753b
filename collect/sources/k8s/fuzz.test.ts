import { describe, it } from "vitest";
import { adversarialLines, expectSound, feed, fixtureLines, fuzzParser, mutatedJsonLine } from "../testdata/fuzz";
import { testContext } from "../testdata/load";
import { K8sParser } from "./parser";

const seeds = fixtureLines("k8s-audit.jsonl", "real/falco-k8s-audit.jsonl", "real/thm-k8s-exec.jsonl", "constructed/aks-kube-audit.json", "constructed/gke-audit.jsonl");
const make = () => new K8sParser(testContext());

describe("k8s parser fuzzing", () => {
  it("survives mutated audit Events and EventLists (structure kept, values arbitrary)", () => fuzzParser(make, mutatedJsonLine(seeds)));

  it("handles 100 kB adversarial lines and URIs without hanging", () => {
    const event = (uri: string) =>
      JSON.stringify({
        auditID: `id-${uri.length}`,
        stage: "ResponseComplete",
        verb: "create",
        requestURI: uri,
        user: { username: "alice" },
        objectRef: { resource: "pods", namespace: "a", name: "b", subresource: "exec" },
        requestReceivedTimestamp: "2026-11-22T08:20:00Z",
      });
    const uris = ["/x?" + "command=a&".repeat(6000), "/x?" + "command=%".repeat(6000), "/x?" + "%E0%A4%A".repeat(7000), "/x?command=" + "postgres://u:".repeat(4000)];
    const parser = make();
    expectSound(feed(parser, [...adversarialLines(['{"kind":"EventList","items":[', '{"auditID":"']), ...uris.map(event)]), parser);
  });
});
