import type { Rng } from "./prng";

/**
 * Generated file contents: config files of a realistic shape whose numbers
 * come from the seed, and small edits of the kind people make on a server
 * at 3 a.m. (raise a limit, add a line). Content is text; its identity is
 * the git blob SHA-1 (blob.ts).
 */
type Template = (rng: Rng) => string;

const n = (rng: Rng, min: number, max: number) => String(rng.int(min, max));

export const TEMPLATES: Readonly<Record<string, Template>> = {
  "infra/nginx/nginx.conf": (r) =>
    `user www-data;\nworker_processes ${n(r, 2, 8)};\nevents {\n  worker_connections ${n(r, 512, 4096)};\n}\nhttp {\n  keepalive_timeout ${n(r, 15, 75)};\n  client_max_body_size ${n(r, 1, 20)}m;\n  include /etc/nginx/conf.d/*.conf;\n  include /etc/nginx/sites-enabled/*;\n}\n`,
  "infra/nginx/conf.d/upstream.conf": (r) =>
    `upstream api {\n  least_conn;\n  server api-prod-01:8080 max_fails=${n(r, 1, 5)};\n  server api-prod-02:8080 max_fails=${n(r, 1, 5)};\n  keepalive ${n(r, 16, 64)};\n}\n`,
  "infra/nginx/conf.d/gzip.conf": (r) => `gzip on;\ngzip_comp_level ${n(r, 1, 9)};\ngzip_min_length ${n(r, 256, 2048)};\n`,
  "infra/nginx/sites-enabled/app.conf": (r) =>
    `server {\n  listen 443 ssl;\n  server_name app.demo.example.com;\n  proxy_read_timeout ${n(r, 30, 120)}s;\n  location / { proxy_pass http://api; }\n}\n`,
  "infra/nginx/conf.d/ratelimit.conf": (r) => `limit_req_zone $binary_remote_addr zone=api:10m rate=${n(r, 5, 50)}r/s;\n`,
  "infra/nginx/conf.d/ssl.conf": (r) => `ssl_protocols TLSv1.2 TLSv1.3;\nssl_session_timeout ${n(r, 5, 60)}m;\nssl_session_cache shared:SSL:${n(r, 10, 50)}m;\n`,
  "infra/nginx/conf.d/logging.conf": (r) => `access_log /var/log/nginx/access.log main buffer=${n(r, 16, 64)}k;\nerror_log /var/log/nginx/error.log warn;\n`,
  "infra/nginx/conf.d/proxy.conf": (r) => `proxy_connect_timeout ${n(r, 2, 10)}s;\nproxy_buffers ${n(r, 8, 32)} 16k;\n`,
  "infra/haproxy/errors.cfg": (r) => `errorfile 503 /etc/haproxy/errors/503.http\n# retries ${n(r, 1, 5)}\nretries ${n(r, 2, 5)}\n`,
  "infra/postgres/conf.d/autovacuum.conf": (r) => `autovacuum_max_workers = ${n(r, 3, 8)}\nautovacuum_naptime = ${n(r, 10, 60)}s\n`,
  "infra/postgres/conf.d/logging.conf": (r) => `log_min_duration_statement = ${n(r, 100, 2000)}\nlog_lock_waits = on\n`,
  "app/config/api/cache.yaml": (r) => `ttl_s: ${n(r, 30, 3600)}\nmax_entries: ${n(r, 1000, 100000)}\n`,
  "app/config/api/limits.yaml": (r) => `max_body_kb: ${n(r, 64, 4096)}\nmax_concurrent: ${n(r, 50, 500)}\n`,
  "app/config/api/logging.yaml": (r) => `level: info\nsample_rate: 0.${n(r, 1, 9)}\nbuffer: ${n(r, 100, 1000)}\n`,
  "app/config/api/upstreams.yaml": (r) => `payments_timeout_ms: ${n(r, 500, 5000)}\nretries: ${n(r, 1, 4)}\n`,
  "app/config/worker/schedule.yaml": (r) => `cleanup_every_min: ${n(r, 5, 120)}\nreport_hour: ${n(r, 0, 6)}\n`,
  "app/config/worker/limits.yaml": (r) => `max_memory_mb: ${n(r, 256, 4096)}\nmax_jobs: ${n(r, 100, 5000)}\n`,
  "infra/haproxy/haproxy.cfg": (r) =>
    `global\n  maxconn ${n(r, 2000, 20000)}\ndefaults\n  timeout connect ${n(r, 3, 10)}s\n  timeout client ${n(r, 30, 90)}s\nbackend web\n  balance roundrobin\n`,
  "infra/postgres/postgresql.conf": (r) =>
    `max_connections = ${n(r, 100, 400)}\nshared_buffers = ${n(r, 2, 16)}GB\nwork_mem = ${n(r, 4, 64)}MB\nwal_level = replica\nmax_wal_senders = ${n(r, 5, 10)}\n`,
  "infra/postgres/pg_hba.conf": (r) => `local all postgres peer\nhost all all 10.20.0.0/16 scram-sha-256\nhost replication replicator 10.20.3.0/24 scram-sha-256\n# rev ${n(r, 1, 99)}\n`,
  "infra/sysctl/99-network.conf": (r) => `net.core.somaxconn = ${n(r, 1024, 65535)}\nnet.ipv4.tcp_fin_timeout = ${n(r, 10, 60)}\n`,
  "infra/sysctl/99-vm.conf": (r) => `vm.swappiness = ${n(r, 1, 60)}\nvm.max_map_count = ${n(r, 65530, 262144)}\n`,
  "infra/terraform/main.tf": (r) => `module "vpc" {\n  source = "./vpc"\n  cidr   = "10.20.0.0/16"\n  azs    = ${n(r, 2, 3)}\n}\n`,
  "infra/README.md": () => `# infra\n\nConfiguration shipped to hosts by the ci-deploy pipeline and puppet.\n`,
  "app/config/api/app.yaml": (r) => `port: 8080\nworkers: ${n(r, 2, 16)}\ndb_pool_size: ${n(r, 5, 50)}\nrequest_timeout_ms: ${n(r, 1000, 30000)}\n`,
  "app/config/api/features.yaml": (r) => `new_checkout: ${r.chance(0.5)}\nrate_limit_per_min: ${n(r, 60, 600)}\n`,
  "app/config/worker/worker.yaml": (r) => `concurrency: ${n(r, 2, 32)}\nretry_max: ${n(r, 3, 10)}\nvisibility_timeout_s: ${n(r, 30, 600)}\n`,
  "app/config/worker/queues.yaml": (r) => `queues:\n  - name: emails\n    weight: ${n(r, 1, 5)}\n  - name: invoices\n    weight: ${n(r, 1, 5)}\n`,
  "app/k8s/deployment.yaml": (r) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: ${n(r, 3, 12)}\n`,
  "app/src/payments.ts": (r) => `export const PAYMENT_RETRY = ${n(r, 1, 5)};\n`,
  "app/src/reports.ts": (r) => `export const REPORT_PAGE = ${n(r, 50, 500)};\n`,
  "app/src/search.ts": (r) => `export const SEARCH_LIMIT = ${n(r, 10, 100)};\n`,
  "app/src/users.ts": (r) => `export const MAX_SESSIONS = ${n(r, 1, 10)};\n`,
  "app/test/checkout.test.ts": (r) => `import { total } from "../src/checkout";\nexpect(total([${n(r, 1, 9)}])).toBe(${n(r, 1, 9)});\n`,
  "infra/terraform/dns.tf": (r) => `resource "aws_route53_record" "app" {\n  ttl = ${n(r, 60, 3600)}\n}\n`,
  "infra/terraform/rds.tf": (r) => `resource "aws_db_instance" "reporting" {\n  allocated_storage = ${n(r, 100, 1000)}\n}\n`,
  "infra/ansible/site.yml": (r) => `- hosts: all\n  serial: ${n(r, 1, 10)}\n`,
  "app/src/server.ts": (r) => `export const PORT = 8080;\nexport const REV = ${n(r, 1, 999)};\n`,
  "app/src/checkout.ts": (r) => `export function total(items: number[]) {\n  return items.reduce((a, b) => a + b, ${n(r, 0, 0)});\n}\n`,
  "app/src/invoices.ts": (r) => `export const INVOICE_BATCH = ${n(r, 10, 500)};\n`,
  "app/src/auth.ts": (r) => `export const SESSION_TTL_S = ${n(r, 600, 86400)};\n`,
  "app/src/queue.ts": (r) => `export const POLL_MS = ${n(r, 100, 5000)};\n`,
};

/** Host files no repository holds: edits to them are "unmanaged". */
export const UNMANAGED_FILES: Readonly<Record<string, Template>> = {
  "/etc/hosts": (r) => `127.0.0.1 localhost\n10.20.3.11 db-prod-01\n# v${n(r, 1, 9)}\n`,
  "/etc/cron.d/cleanup": (r) => `${n(r, 0, 59)} 3 * * * root /opt/scripts/cleanup.sh\n`,
  "/opt/scripts/cleanup.sh": (r) => `#!/bin/sh\nfind /var/tmp -mtime +${n(r, 3, 14)} -delete\n`,
  "/etc/security/limits.conf": (r) => `* soft nofile ${n(r, 1024, 65536)}\n* hard nofile ${n(r, 65536, 1048576)}\n`,
};

/**
 * A small edit: one number on one line changes (never to the same value),
 * and sometimes a comment line is added. `tag` makes the content unique to
 * this edit, so two edits never collide by accident.
 */
export function mutate(content: string, rng: Rng, tag: string): string {
  const lines = content.split("\n");
  const numeric = lines.map((line, i) => ({ line, i })).filter(({ line }) => /\d/.test(line) && !line.startsWith("#"));
  const target = numeric.length > 0 ? rng.pick(numeric) : undefined;
  if (target !== undefined) {
    lines[target.i] = target.line.replace(/\d+/, (digits) => {
      const value = Number(digits);
      const next = value + rng.int(1, Math.max(2, Math.ceil(value * 0.5)));
      return String(next);
    });
  }
  const body = lines.join("\n").replace(/\n*$/, "\n");
  return rng.chance(0.4) || target === undefined ? `${body}# ${tag}\n` : body;
}
