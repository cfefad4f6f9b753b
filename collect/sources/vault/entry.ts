import { z } from "zod";

/**
 * The fields of a Vault audit-device entry we read (file, socket and syslog
 * devices all write this JSON, one object per line). Unknown fields are
 * ignored; HMAC-ed values (`hmac-sha256:…`) are opaque strings.
 */
const auth = z
  .object({
    display_name: z.string().max(4096).optional(),
    entity_id: z.string().max(4096).optional(),
    accessor: z.string().max(4096).optional(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    policies: z.array(z.string().max(256)).max(256).nullish(),
    lease_duration: z.number().nonnegative().optional(),
  })
  .optional();

export const vaultEntrySchema = z.object({
  time: z.string().max(64),
  type: z.enum(["request", "response"]),
  auth,
  request: z.object({
    /** Absent in some Vault-compatible servers' entries: parser.ts pairs those by caller and call. */
    id: z.string().min(1).max(4096).optional(),
    client_token: z.string().max(4096).optional(),
    remote_port: z.number().int().optional(),
    operation: z.string().max(64).optional(),
    path: z.string().max(8192).optional(),
    remote_address: z.string().max(256).optional(),
    mount_type: z.string().max(64).optional(),
  }),
  response: z
    .object({
      secret: z.object({ lease_id: z.string().max(4096).optional(), lease_duration: z.number().nonnegative().optional() }).nullish(),
      auth: z.object({ lease_duration: z.number().nonnegative().optional() }).nullish(),
    })
    .nullish(),
  error: z.string().max(8192).optional(),
});

export type VaultEntry = z.infer<typeof vaultEntrySchema>;
