/**
 * The secret patterns redaction knows. Every quantifier is bounded or
 * anchored on a literal prefix, so a 100 kB adversarial line costs linear
 * time (checked by the fuzz test in redact.test.ts); values are cut at
 * whitespace, so a secret never swallows the rest of a command line.
 */
export const MASK = "[REDACTED]";

export interface Rule {
  readonly name: string;
  /**
   * Lowercase strings one of which every match contains: redact() skips the
   * rule when the lowercased text holds none of them. Seventeen regexes over
   * every command were 9% of the collector pipeline's CPU profile (issue #13);
   * most lines hold no '=' and no '--'. Lowercasing is safe for the /i rules:
   * JavaScript's non-Unicode /i folds only ASCII letters onto ASCII letters.
   */
  readonly needles: readonly string[];
  readonly apply: (text: string) => string;
}

const re = (name: string, needles: readonly string[], pattern: RegExp, replacement: string): Rule => ({
  name,
  needles,
  apply: (text) => text.replace(pattern, replacement),
});

/** A quoted or bare value: what follows a password flag or `key=`. */
const VALUE = String.raw`(?:"[^"\n]{0,4096}"|'[^'\n]{0,4096}'|[^\s"',;]{1,4096})`;

/** Rules applied only when the command line names the program, because the flag is ambiguous elsewhere. */
const gated = (name: string, needles: readonly string[], program: RegExp, pattern: RegExp, replacement: string): Rule => ({
  name,
  needles,
  apply: (text) => (program.test(text) ? text.replace(pattern, replacement) : text),
});

export const RULES: readonly Rule[] = [
  // A whole quoted argument holding a secret assignment: '--password=two words', "PGPASSWORD=x y".
  re(
    "quoted-assignment", ["="],
    /(['"])((?:--)?[A-Za-z0-9_-]{0,64}(?:password|passwd|token|secret|api[-_]?key|access[-_]key|secret[-_]key|_pwd)=)[^'"\n]{1,4096}\1/gi,
    `$1$2${MASK}$1`,
  ),
  // Authorization headers and bare bearer tokens (curl -H, HTTP access logs).
  re("authorization-header", ["authorization"], /(authorization["']?\s{0,8}[:=]\s{0,8}["']?(?:(?:bearer|basic|token|negotiate)\s{1,8})?)[^\s"',]{1,4096}/gi, `$1${MASK}`),
  re("bearer", ["bearer"], /\b([Bb]earer\s{1,8})[A-Za-z0-9._~+/=-]{8,4096}/g, `$1${MASK}`),
  // Vendor tokens with documented prefixes.
  re("github-token", ["gh", "github_pat_"], /\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})/g, MASK),
  re("slack-token", ["xox"], /\bxox[abposr]-[A-Za-z0-9-]{10,255}/g, MASK),
  re("aws-access-key-id", ["akia", "asia"], /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, MASK),
  re("aws-secret-key", ["secret"], /((?:aws_secret_access_key|aws_secret_key|secretaccesskey)["']?\s{0,8}[:=]\s{0,8}["']?)[A-Za-z0-9/+=]{20,128}/gi, `$1${MASK}`),
  re("vault-token", ["hv", "s."], /\b(?:hv[sbr]\.[A-Za-z0-9_-]{20,512}|s\.[A-Za-z0-9]{24})\b/g, MASK),
  re("jwt", ["eyj"], /\beyJ[A-Za-z0-9_-]{5,4096}\.eyJ[A-Za-z0-9_-]{5,4096}\.[A-Za-z0-9_-]{0,4096}/g, MASK),
  // user:password@ in any URL-ish connection string keeps user and host.
  re("url-credentials", ["://"], /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{0,256}:)[^\s@/]{1,512}@/gi, `$1${MASK}@`),
  // --password=x, --password x, --db-password x, --token x, --api-key x, --client-secret x.
  // `--password-file /etc/x` does not match: the flag must end at '=' or whitespace.
  re(
    "secret-flag", ["--"],
    new RegExp(String.raw`(--(?:[a-z0-9]{1,32}-){0,3}(?:password|passwd|pass|token|secret|api-key|apikey|access-key|secret-key)(?:=|\s{1,8}(?!-)))${VALUE}`, "gi"),
    `$1${MASK}`,
  ),
  // Environment assignments: PGPASSWORD=x, MYSQL_PWD=x, DB_PASSWORD=x, VAULT_TOKEN=x, *_SECRET=x, *_API_KEY=x.
  // `PWD=/home/alice` (sudo's working directory) is not a secret and does not match.
  re(
    "secret-env", ["="],
    new RegExp(String.raw`\b((?:PGPASSWORD|MYSQL_PWD|[A-Z0-9_]{0,64}(?:PASSWORD|PASSWD|_SECRET|_TOKEN|_API_KEY|_SECRET_KEY|_ACCESS_KEY))=)${VALUE}`, "g"),
    `$1${MASK}`,
  ),
  // password=x / passwd=x anywhere (query strings, DSNs, key=value logs), any value.
  re("password-kv", ["="], new RegExp(String.raw`(?<![A-Za-z0-9])((?:password|passwd)\s{0,4}=\s{0,4})${VALUE}`, "gi"), `$1${MASK}`),
  // secret=/token=/key=: only values that look like key material (16+ chars, not a path).
  re(
    "secret-kv", ["="],
    /(?<![A-Za-z0-9])((?:[a-z0-9]{1,32}[_-])?(?:secret|token|key|apikey|api_key|access_token|auth)\s{0,4}=\s{0,4}["']?)(?![./])[A-Za-z0-9+/=_-]{16,4096}/gi,
    `$1${MASK}`,
  ),
  // JSON bodies: "password": "x".
  re("json-secret", ['"'], /("(?:password|passwd|secret|token|client_secret|access_token|refresh_token|api_key|private_key)"\s{0,8}:\s{0,8}")[^"\n]{1,4096}"/gi, `$1${MASK}"`),
  // mysql -psecret: only for the MySQL family, where -p glues the password; `ssh -p2222` stays.
  gated("mysql-p", ["mysql", "mariadb"], /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mariadb|mariadb-dump)\b/, /(\s-p)(?![\s-])[^\s]{1,4096}/g, `$1${MASK}`),
  // curl -u user:pass / --user user:pass keeps the user.
  gated("curl-user", ["curl"], /\bcurl\b/, /(\s(?:-u\s{0,8}|--user(?:=|\s{1,8})))([^\s:]{1,256}):[^\s]{1,4096}/g, `$1$2:${MASK}`),
  // vault login <token> (flags before the token are kept; key=value auth args are not tokens).
  re("vault-login", ["vault"], /(\bvault\s{1,8}login(?:\s{1,8}-[^\s]{1,256}){0,10}\s{1,8})(?![-])(?![A-Za-z_]{1,64}=)[^\s]{1,4096}/g, `$1${MASK}`),
];
