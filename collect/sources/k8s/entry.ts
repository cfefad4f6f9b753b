import { z } from "zod";

/**
 * The fields of an `audit.k8s.io/v1` Event we read. The API server's log
 * backend writes one Event per line; the webhook backend posts an EventList
 * (`{"kind":"EventList","items":[…]}`). requestObject/responseObject are not
 * read and never kept (a Secret's create carries its data there).
 */
const user = z.object({
  username: z.string().max(4096).optional(),
  groups: z.array(z.string().max(1024)).max(1024).optional(),
});

export const k8sEventSchema = z.object({
  kind: z.literal("Event").optional(),
  apiVersion: z.string().max(64).optional(),
  level: z.string().max(32).optional(),
  auditID: z.string().min(1).max(4096),
  stage: z.string().max(64),
  requestURI: z.string().max(65_536).optional(),
  verb: z.string().max(64),
  user: user.optional(),
  impersonatedUser: user.nullish(),
  sourceIPs: z.array(z.string().max(256)).max(64).optional(),
  userAgent: z.string().max(4096).optional(),
  objectRef: z
    .object({
      resource: z.string().max(256).optional(),
      namespace: z.string().max(256).optional(),
      name: z.string().max(1024).optional(),
      apiGroup: z.string().max(256).optional(),
      apiVersion: z.string().max(64).optional(),
      subresource: z.string().max(256).optional(),
    })
    .optional(),
  responseStatus: z
    .object({ code: z.number().int().optional(), message: z.string().max(8192).optional(), reason: z.string().max(256).optional() })
    .optional(),
  requestReceivedTimestamp: z.string().max(64).optional(),
  stageTimestamp: z.string().max(64).optional(),
});

export type K8sEvent = z.infer<typeof k8sEventSchema>;

export const k8sEventListSchema = z.object({
  kind: z.literal("EventList"),
  items: z.array(z.unknown()).max(100_000),
});
