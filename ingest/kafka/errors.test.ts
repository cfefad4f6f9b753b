import { describe, expect, it } from "vitest";
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSConnectionError } from "kafkajs";
import { toTransportError } from "./errors";
import { chunkByBytes } from "./producer";

describe("toTransportError", () => {
  it("finds the broker's error code through kafkajs's retry wrapper and marks size errors permanent", () => {
    const tooLarge = new KafkaJSProtocolError(Object.assign(new Error("too large"), { type: "MESSAGE_TOO_LARGE", code: 10, retriable: false }));
    const wrapped = new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 0, retryTime: 0 });
    expect(toTransportError("send", wrapped)).toMatchObject({ code: "MESSAGE_TOO_LARGE", retriable: false, op: "send" });
  });

  it("treats connection trouble and leader moves as retriable", () => {
    expect(toTransportError("send", new KafkaJSConnectionError("ECONNREFUSED"))).toMatchObject({ retriable: true, code: undefined });
    const notLeader = new KafkaJSProtocolError(Object.assign(new Error("moved"), { type: "NOT_LEADER_FOR_PARTITION", code: 6, retriable: true }));
    expect(toTransportError("send", notLeader)).toMatchObject({ retriable: true, code: "NOT_LEADER_FOR_PARTITION" });
  });
});

describe("chunkByBytes", () => {
  const msg = (n: number) => ({ key: "k", value: "x".repeat(n) });
  it("keeps order, never splits a message, and stays under the limit unless one message alone exceeds it", () => {
    const messages = [msg(100), msg(100), msg(100), msg(1_000), msg(10)];
    const chunks = chunkByBytes(messages, 400);
    expect(chunks.flat()).toEqual(messages);
    expect(chunks.map((c) => c.length)).toEqual([2, 1, 1, 1]);
  });
});
