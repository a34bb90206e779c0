import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** Issuer and audience of local tokens. */
export const LOCAL_ISSUER = 'plumbline-local';
/** Audience of local tokens. */
export const LOCAL_AUDIENCE = 'plumbline';

/** What a local token says about its holder. */
export interface TokenRequest {
  tenantId: string;
  userId: string;
  roles: string[];
  /** The holder's address, put in the `email` claim as Cognito's tokens carry it (issue 16). */
  email?: string;
  /** Lifetime in seconds. */
  ttlSeconds: number;
}

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

/**
 * The local runtime's stand-in for Cognito and the HTTP API's JWT
 * authorizer: signs ES256 tokens with a key kept in the data directory and
 * verifies them (signature, algorithm, issuer, audience, expiry).
 */
export class LocalTokenAuthority {
  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicKey: KeyLike,
    private readonly kid: string,
  ) {}

  /** Loads the key pair from `<dataDir>/keys/jwt-es256.json`, creating it on first use. */
  static async open(dataDir: string): Promise<LocalTokenAuthority> {
    const dir = join(dataDir, 'keys');
    const file = join(dir, 'jwt-es256.json');
    if (!existsSync(file)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = await exportJWK(privateKey);
      const kid = `local-${Date.now().toString(36)}`;
      await writeFile(file, JSON.stringify({ ...jwk, kid, alg: 'ES256' }), { mode: 0o600, flag: 'wx' }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        },
      );
    }
    const jwk = JSON.parse(await readFile(file, 'utf8')) as JWK & { kid: string };
    const { d: _d, ...publicJwk } = jwk;
    return new LocalTokenAuthority(
      await importJWK(jwk, 'ES256'),
      await importJWK(publicJwk, 'ES256'),
      jwk.kid,
    );
  }

  /** Signs a token with the claims the API reads: `sub`, `tenant_id`, `roles`. */
  async issue(request: TokenRequest): Promise<string> {
    return new SignJWT({
      tenant_id: request.tenantId,
      roles: request.roles,
      ...(request.email ? { email: request.email } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' })
      .setSubject(request.userId)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + request.ttlSeconds)
      .sign(this.privateKey);
  }

  /** Verifies a token; `undefined` for anything not valid (bad signature, `alg: none`, expired ...). */
  async verify(token: string): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['ES256'],
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}

/**
 * Renders verified claims as strings (arrays as `"[a b]"`), which the local
 * server puts where the HTTP API's Lambda authorizer puts its context
 * (`requestContext.authorizer.lambda`). The one claims parser in the core
 * then reads local and AWS events alike.
 */
export function toApiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (Array.isArray(value)) out[key] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object' && value !== null) out[key] = JSON.stringify(value);
    else out[key] = String(value);
  }
  return out;
}
