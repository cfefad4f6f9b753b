import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A small but real OpenID Connect provider for tests: discovery, JWKS,
 * authorize (auto-approves `user`, no login form), and token (authorization
 * code + PKCE S256, client_secret_basic or public client), signing RS256 ID
 * tokens with node:crypto. Enough for openid-client to run its full set of
 * checks against it. `tamper` plants a fault in the next ID token so a test
 * can show the client refuses it.
 */
export interface ProviderUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  [claim: string]: unknown;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next /authorize approves. */
  user: ProviderUser;
  /** Fault for the next ID token only: wrong nonce, wrong audience, or a bad signature. */
  tamper: "nonce" | "audience" | "signature" | undefined;
  /** How many codes were exchanged at /token. */
  tokensIssued: number;
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  user: ProviderUser;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function jwt(payload: Record<string, unknown>, key: KeyObject, kid: string, badSignature: boolean): string {
  const data = `${b64({ alg: "RS256", typ: "JWT", kid })}.${b64(payload)}`;
  const signature = sign("sha256", Buffer.from(data), key);
  if (badSignature) signature[0] = (signature[0] ?? 0) ^ 0xff;
  return `${data}.${signature.toString("base64url")}`;
}

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startTestProvider(options: { clientId?: string; clientSecret?: string; user?: ProviderUser } = {}): Promise<TestProvider> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(4).toString("hex");
  const grants = new Map<string, Grant>();
  let issuer = "";
  const provider: TestProvider = {
    issuer: "",
    clientId: options.clientId ?? "prodtrail-test",
    clientSecret: options.clientSecret ?? "test-secret-" + randomBytes(8).toString("hex"),
    user: options.user ?? { sub: "u-1", email: "sso.user@example.com", email_verified: true, name: "SSO User" },
    tamper: undefined,
    tokensIssued: 0,
    close: async () => {},
  };
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(value));
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    void (async () => {
      if (url.pathname === "/.well-known/openid-configuration") {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "none"],
        });
      }
      if (url.pathname === "/jwks") return json(res, 200, { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }] });
      if (url.pathname === "/authorize") {
        const q = url.searchParams;
        if (q.get("client_id") !== provider.clientId || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256") {
          return json(res, 400, { error: "invalid_request" });
        }
        const code = randomBytes(16).toString("base64url");
        grants.set(code, { clientId: provider.clientId, redirectUri: q.get("redirect_uri") ?? "", challenge: q.get("code_challenge") ?? "", nonce: q.get("nonce") ?? "", user: provider.user });
        const back = new URL(q.get("redirect_uri") ?? "");
        back.searchParams.set("code", code);
        back.searchParams.set("state", q.get("state") ?? "");
        res.writeHead(302, { location: back.href });
        return res.end();
      }
      if (url.pathname === "/token" && req.method === "POST") {
        const form = await body(req);
        const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8");
        const [id, secret] = basic.split(":").map((p) => decodeURIComponent(p));
        if (id !== provider.clientId || secret !== provider.clientSecret) return json(res, 401, { error: "invalid_client" });
        const grant = grants.get(form.get("code") ?? "");
        grants.delete(form.get("code") ?? "");
        const verifier = form.get("code_verifier") ?? "";
        if (!grant || grant.redirectUri !== form.get("redirect_uri") || createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) {
          return json(res, 400, { error: "invalid_grant" });
        }
        const now = Math.floor(Date.now() / 1000);
        const fault = provider.tamper;
        provider.tamper = undefined;
        provider.tokensIssued++;
        const idToken = jwt(
          { ...grant.user, iss: issuer, aud: fault === "audience" ? "someone-else" : grant.clientId, iat: now, exp: now + 300, nonce: fault === "nonce" ? "wrong" : grant.nonce },
          privateKey, kid, fault === "signature",
        );
        return json(res, 200, { access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 300, id_token: idToken });
      }
      json(res, 404, { error: "not_found" });
    })().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("test provider: no TCP address");
  issuer = `http://127.0.0.1:${address.port}`;
  provider.issuer = issuer;
  provider.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return provider;
}
