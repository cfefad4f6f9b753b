import { z } from "zod";

/**
 * Managed clusters do not write the API server's audit log themselves; they
 * export it wrapped:
 *  - AKS diagnostic settings (Event Hub, storage account):
 *    `{"records":[{"category":"kube-audit","properties":{"log":"<audit.k8s.io Event as JSON text>"}}]}`
 *  - GKE Cloud Audit Logs (a Cloud Logging LogEntry, exported to Pub/Sub or
 *    files): `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",
 *    "methodName":"io.k8s.core.v1.pods.exec.create","resourceName":"core/v1/namespaces/ns/pods/p/exec",
 *    "authenticationInfo":{"principalEmail":…},"requestMetadata":{"callerIp":…},"status":{…}},
 *    "insertId":…,"timestamp":…}` — translated here into the Event fields the parser reads.
 * Returns undefined for anything else (a plain Event or EventList).
 */
const aksEnvelope = z.object({
  records: z.array(z.object({ category: z.string().max(64).optional(), properties: z.object({ log: z.string().max(16 * 1024 * 1024) }).optional() })).max(100_000),
});

const gkeEntry = z.object({
  insertId: z.string().min(1).max(4096),
  timestamp: z.string().max(64),
  protoPayload: z.object({
    "@type": z.literal("type.googleapis.com/google.cloud.audit.AuditLog"),
    serviceName: z.literal("k8s.io"),
    methodName: z.string().max(512),
    resourceName: z.string().max(4096).optional(),
    authenticationInfo: z.object({ principalEmail: z.string().max(4096).optional() }).optional(),
    requestMetadata: z.object({ callerIp: z.string().max(256).optional(), callerSuppliedUserAgent: z.string().max(4096).optional() }).optional(),
    status: z.object({ code: z.number().int().optional(), message: z.string().max(8192).optional() }).optional(),
  }),
});

/** google.rpc.Code → the HTTP status the API server answered (0 OK, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED…). */
const RPC_TO_HTTP: Record<number, number> = { 0: 200, 3: 400, 5: 404, 6: 409, 7: 403, 9: 412, 16: 401 };

export function unwrapManaged(json: unknown): unknown[] | undefined {
  const aks = aksEnvelope.safeParse(json);
  if (aks.success) {
    return aks.data.records.flatMap((r) => {
      if (!r.category?.startsWith("kube-audit") || r.properties === undefined) return [];
      try {
        return [JSON.parse(r.properties.log)];
      } catch {
        return [{ unparsable: r.properties.log.slice(0, 200) }];
      }
    });
  }
  const gke = gkeEntry.safeParse(json);
  return gke.success ? [fromGke(gke.data)] : undefined;
}

function fromGke(e: z.infer<typeof gkeEntry>): Record<string, unknown> {
  const p = e.protoPayload;
  const method = p.methodName.split(".");
  const code = p.status?.code ?? 0;
  return {
    kind: "Event",
    auditID: e.insertId,
    // GKE exports completed requests only (and long-running exec once, when it starts).
    stage: "ResponseComplete",
    verb: method.at(-1) ?? "",
    user: { username: p.authenticationInfo?.principalEmail ?? "" },
    sourceIPs: p.requestMetadata?.callerIp ? [p.requestMetadata.callerIp] : [],
    userAgent: p.requestMetadata?.callerSuppliedUserAgent,
    objectRef: objectRefOf(p.resourceName ?? ""),
    responseStatus: { code: RPC_TO_HTTP[code] ?? 500, ...(p.status?.message ? { message: p.status.message } : {}) },
    requestReceivedTimestamp: e.timestamp,
  };
}

/** `core/v1/namespaces/ns/pods/p/exec`, `apps/v1/namespaces/ns/deployments/d`, `rbac.authorization.k8s.io/v1/clusterroles/r`, `core/v1/namespaces/foo`. */
function objectRefOf(resourceName: string): Record<string, string> {
  const [group = "", version = "", ...rest] = resourceName.split("/");
  const ref: Record<string, string> = { apiGroup: group === "core" ? "" : group, apiVersion: version };
  let parts = rest;
  if (parts[0] === "namespaces" && parts.length >= 3) {
    ref.namespace = parts[1] ?? "";
    parts = parts.slice(2);
  }
  const [resource, name, subresource] = parts;
  if (resource) ref.resource = resource;
  if (name) ref.name = name;
  if (subresource) ref.subresource = subresource;
  return ref;
}
