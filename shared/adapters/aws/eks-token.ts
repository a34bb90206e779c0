import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials to sign with (a role's temporary ones when the cluster names a `roleArn`). */
export interface EksSigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The prefix of every EKS bearer token. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** Seconds the presigned URL is valid, as aws-iam-authenticator and `aws eks get-token` sign it. */
export const EKS_TOKEN_EXPIRES_SECONDS = 60;

/** SHA-256 for the signer, from node:crypto (no extra crypto package). */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

/**
 * An EKS bearer token, as `aws eks get-token` and aws-iam-authenticator
 * make it: a presigned STS `GetCallerIdentity` URL on
 * `sts.<region>.amazonaws.com` with the `x-k8s-aws-id: <cluster name>`
 * header among the signed headers, valid {@link EKS_TOKEN_EXPIRES_SECONDS}
 * seconds, base64url without padding, prefixed with `k8s-aws-v1.`. The only
 * place that signs AWS requests by hand.
 *
 * @example await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials }) // 'k8s-aws-v1.aHR0cHM6...'
 */
export async function eksToken(input: {
  clusterName: string;
  region: string;
  credentials: EksSigningCredentials;
  now?: Date;
}): Promise<string> {
  const hostname = `sts.${input.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sts',
    region: input.region,
    credentials: input.credentials,
    sha256: NodeSha256,
    uriEscapePath: true,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': input.clusterName },
    },
    {
      expiresIn: EKS_TOKEN_EXPIRES_SECONDS,
      signingDate: input.now ?? new Date(),
      // Why: the header must be signed (the authenticator checks X-Amz-SignedHeaders) but is not sent as a query parameter.
      unhoistableHeaders: new Set(['x-k8s-aws-id']),
    },
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== null) query.append(key, item);
  }
  const url = `https://${hostname}/?${query.toString()}`;
  return `${EKS_TOKEN_PREFIX}${Buffer.from(url).toString('base64url')}`;
}
