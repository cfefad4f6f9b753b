import { describe, expect, it } from "vitest";
import { useKafka } from "../test/kafka/use-kafka";
import { buildAuditEvent } from "./auth/audit-event";
import { sharedAuthRuntime } from "./auth/runtime";
import { storedIds, useGatewayFixture } from "../ingest/gateway/testing";

/**
 * The server's own records (audit.view of views, exports, admin changes)
 * take a path no key can reach: in scale mode too, where the gateway
 * publishes to Kafka, they are written to the store directly — the topic
 * refuses them (dead letter server_only), so through it they would be lost.
 */
const kafka = useKafka();
const fx = useGatewayFixture();

describe.skipIf(!kafka.available)(`server records in scale mode ${kafka.skipReason}`, () => {
  it("an audit.view the dashboard records is in the store when publish resolves, with no ingest worker running", async () => {
    await fx.serve("loopback-exempt", {}, { kafka: { brokers: kafka.brokers } });
    const viewer = { userId: "u1", email: "admin@localhost", name: "Admin", role: "admin" as const, sessionId: "s1" };
    const event = buildAuditEvent(viewer, { action: "view", resource: "/admin" });
    await sharedAuthRuntime().sink.publish([event]);
    expect(await storedIds(fx.store, [event])).toEqual([event.event_id]);
  });
});
