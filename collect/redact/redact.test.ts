import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../schemas";
import { boundCommand, boundRaw, clip, TRUNCATED } from "./bound";
import { redact } from "./redact";
import { RULES } from "./rules";

describe("redact: secrets that are removed", () => {
  it.each([
    ["mysql -uroot -pS3cret db", "mysql -uroot -p[REDACTED] db"],
    ["mysqldump --password=S3cret db", "mysqldump --password=[REDACTED] db"],
    ["psql --password S3cret", "psql --password [REDACTED]"],
    ["app --db-password 'two words' --verbose", "app --db-password [REDACTED] --verbose"],
    ["PGPASSWORD=S3cret psql -h db", "PGPASSWORD=[REDACTED] psql -h db"],
    ["MYSQL_PWD=S3cret mysql", "MYSQL_PWD=[REDACTED] mysql"],
    ["DB_PASSWORD=S3cret VAULT_TOKEN=hvs.x ./run", "DB_PASSWORD=[REDACTED] VAULT_TOKEN=[REDACTED] ./run"],
    ["curl -H 'Authorization: Bearer eyJabc.def.ghi' https://api", "curl -H 'Authorization: Bearer [REDACTED]' https://api"],
    ["curl -H \"authorization: token abc123\" x", "curl -H \"authorization: token [REDACTED]\" x"],
    ["git push https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/x", "git push https://[REDACTED]@github.com/x"],
    ["SLACK=xoxb-1234567890-abcdefghij", "SLACK=[REDACTED]"],
    ["aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE", "aws configure set aws_access_key_id [REDACTED]"],
    ["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED]"],
    ["psql postgres://app:S3cret@db.internal:5432/pay", "psql postgres://app:[REDACTED]@db.internal:5432/pay"],
    ["redis-cli -u redis://default:S3cret@cache:6379", "redis-cli -u redis://default:[REDACTED]@cache:6379"],
    ["curl -u deploy:S3cret https://ci", "curl -u deploy:[REDACTED] https://ci"],
    ["curl --user deploy:S3cret https://ci", "curl --user deploy:[REDACTED] https://ci"],
    ["terraform apply --token abcdef", "terraform apply --token [REDACTED]"],
    ["gh auth --token=abcdef", "gh auth --token=[REDACTED]"],
    ["vault login s.AbCdEfGhIjKlMnOpQrStUvWx", "vault login [REDACTED]"],
    ["vault login -no-print mytoken123", "vault login -no-print [REDACTED]"],
    ["vault login -method=userpass username=alice password=hunter2", "vault login -method=userpass username=alice password=[REDACTED]"],
    ["GET /cb?code=1&secret=0123456789abcdef0123", "GET /cb?code=1&secret=[REDACTED]"],
    ["wget 'https://x/api?token=Zm9vYmFyYmF6cXV4cXV1eA=='", "wget 'https://x/api?token=[REDACTED]'"],
    ["app --api-key=0123456789abcdef", "app --api-key=[REDACTED]"],
    ['{"user":"a","password":"hunter2"}', '{"user":"a","password":"[REDACTED]"}'],
    ["echo '--password=two words'", "echo '--password=[REDACTED]'"],
  ])("%s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("removes a private key block, header kept, and cuts an unterminated one to the end", () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
    expect(redact(`echo "${key}" > id`)).toBe('echo "-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED]-----END OPENSSH PRIVATE KEY-----" > id');
    expect(redact("x -----BEGIN RSA PRIVATE KEY-----MIIEow rest")).toBe("x -----BEGIN RSA PRIVATE KEY-----[REDACTED]");
  });
});

describe("redact: text that stays", () => {
  it.each([
    "mysql --password-file /etc/mysql/pass.cnf db",
    "pg_dump --passwordfile=/etc/x",
    'git commit -m "fix password check"',
    "sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/vim",
    "ssh -p2222 host",
    "mkdir -p /srv/app",
    "docker run -u 1000:1000 img",
    "sudo -u postgres psql",
    "curl https://example.com:8443/health",
    "openssl req -key /etc/ssl/private/server.key",
    "ls --sort=size key=/etc/ssl/private/very-long-key-file-name.pem",
    "grep -r token_expiry src/",
    "vault login -method=oidc",
    "type=SYSCALL msg=audit(1.000:1): key=\"exec\" auid=1000",
    "cat /etc/ssh/ssh_host_rsa_key.pub",
    "-----BEGIN CERTIFICATE-----MIIB-----END CERTIFICATE-----",
  ])("%s", (input) => {
    expect(redact(input)).toBe(input);
  });
});

describe("redact: robustness", () => {
  it("never throws and is idempotent on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        const once = redact(s);
        expect(redact(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it("never lets a generated password flag value through", () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9!#%^*_]{6,40}$/);
    fc.assert(
      fc.property(secret, fc.constantFrom("--password=", "--password ", "PGPASSWORD=", "mysql -p", "--token "), (value, flag) => {
        expect(redact(`run ${flag}${value} next`)).not.toContain(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("stays linear on 100 kB adversarial lines (no catastrophic backtracking)", () => {
    const n = 100_000;
    const inputs = [
      " ".repeat(n),
      "a".repeat(n),
      "A".repeat(n),
      "-".repeat(n),
      "--password".repeat(n / 10),
      "password=".repeat(n / 9),
      "x://a:".repeat(n / 6),
      "-----BEGIN PRIVATE KEY-----".repeat(n / 27),
      "'" + "a".repeat(n),
      "vault login -x ".repeat(n / 15),
      "Bearer ".repeat(n / 7),
      "mysql -p".repeat(n / 8),
      "key=" + "A".repeat(n),
      "AKIA".repeat(n / 4),
    ];
    for (const input of inputs) {
      // The suite timeout (60 s) is the hang detector; no wall-clock assertion here (timings live in bench/).
      expect(typeof redact(input)).toBe("string");
    }
  });
});

describe("bounds", () => {
  it("clips to the limit with a marker and leaves short strings alone", () => {
    expect(clip("abc", 10)).toBe("abc");
    const cut = clip("x".repeat(100), 20);
    expect(cut).toHaveLength(20);
    expect(cut.endsWith(TRUNCATED)).toBe(true);
    expect(boundRaw("y".repeat(LIMITS.raw * 2))).toHaveLength(LIMITS.raw);
    expect(boundCommand("z".repeat(LIMITS.command + 1))).toHaveLength(LIMITS.command);
  });

  it("never splits a surrogate pair", () => {
    const s = "😀".repeat(50);
    const cut = clip(s, 21);
    expect(cut.length).toBeLessThanOrEqual(21);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

describe("redact: the needle pre-check", () => {
  /** Every rule that would change `text` has a needle in it: skipping on needles never lets a secret through. */
  const needlesHold = (text: string): void => {
    const lower = text.toLowerCase();
    for (const rule of RULES) if (rule.apply(text) !== text) expect(rule.needles.some((n) => lower.includes(n)), `${rule.name} on ${JSON.stringify(text)}`).toBe(true);
  };
  it("holds on the secrets above and on generated text built from the rules' own fragments", () => {
    const fragments = ["=", "--", "://", ":", "@", "'", '"', " ", "password", "PASSWORD", "Token", "secret", "API_KEY", "Bearer ", "authorization", "ghp_", "github_pat_", "xoxb-", "AKIA", "ASIA", "hvs.", "s.", "eyJ", "mysql", "curl", "-u ", "-p", "vault login ", "aws_secret_access_key", "abcdefghij0123456789ABCDEFGHIJ", ".", "eyJabcdefgh."];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 12 }), (parts) => needlesHold(parts.join(""))),
      { numRuns: 5000 },
    );
    for (const text of ["mysql -uroot -pS3cret db", "VAULT_TOKEN=hvs.x", "curl -H 'AUTHORIZATION: Bearer eyJabc.def.ghi' x", "git push https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/x"]) needlesHold(text);
  });
  it("gives what running every rule gives, on arbitrary text", () => {
    const everyRule = (text: string): string => RULES.reduce((out, rule) => rule.apply(out), text);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom("", "--password=", "PGPASSWORD=", "Bearer ", "https://u:", "token=", "AKIA"), (s, secretish) => {
        const text = `${secretish}${s}`;
        if (!text.includes("-----BEGIN ")) expect(redact(text)).toBe(everyRule(text));
      }),
      { numRuns: 3000 },
    );
  });
});
