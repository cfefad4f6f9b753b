import { randomBytes } from "node:crypto";
import { connectAdmin, connectGroupConsumer, type IncomingMessage, type KafkaConnection } from "../../ingest/kafka";

/**
 * Everything in `topic` up to its end offsets as of the call, read through a
 * throwaway consumer group (the test oracle's view of what Kafka holds).
 */
export async function readTopic(conn: KafkaConnection, topic: string, timeoutMs = 30_000): Promise<IncomingMessage[]> {
  const admin = await connectAdmin(conn);
  const ends = await admin.endOffsets(topic).finally(() => admin.close());
  const remaining = new Map([...ends].filter(([, end]) => end > 0n));
  const out: IncomingMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = await connectGroupConsumer(conn, {
    groupId: `read-topic-${randomBytes(4).toString("hex")}`,
    topics: [topic],
    maxWaitTimeMs: 100,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`readTopic ${topic}: ${out.length} messages, partitions left ${[...remaining.keys()]}`)), timeoutMs);
      consumer
        .run(async (batch) => {
          const end = remaining.get(batch.partition);
          for (const m of batch.messages) {
            if (end !== undefined && BigInt(m.offset) < end) out.push(m);
            batch.resolveOffset(m.offset);
          }
          const last = batch.messages.at(-1);
          if (end !== undefined && last && BigInt(last.offset) + 1n >= end) remaining.delete(batch.partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        })
        .catch(reject);
    });
  } finally {
    await consumer.close();
  }
  return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
