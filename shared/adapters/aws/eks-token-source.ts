import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { EksTokenSource } from '../../ports/scan-metrics.ts';
import { type EksSigningCredentials, eksToken } from './eks-token.ts';

/**
 * {@link EksTokenSource} signing with `credentials()` (the scanner's own),
 * or with a role's temporary credentials (STS AssumeRole) when the cluster
 * names a `roleArn`.
 *
 * @example new StsEksTokenSource(async () => ({ accessKeyId, secretAccessKey }))
 */
export class StsEksTokenSource implements EksTokenSource {
  readonly #credentials: () => Promise<EksSigningCredentials>;

  constructor(credentials: () => Promise<EksSigningCredentials>) {
    this.#credentials = credentials;
  }

  async token(cluster: { clusterName: string; region: string; roleArn?: string }): Promise<string> {
    const credentials = cluster.roleArn
      ? await this.#assume(cluster.roleArn, cluster.region)
      : await this.#credentials();
    return eksToken({ clusterName: cluster.clusterName, region: cluster.region, credentials });
  }

  async #assume(roleArn: string, region: string): Promise<EksSigningCredentials> {
    const sts = new STSClient({ region, credentials: await this.#credentials() });
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'plumbline-drift-scanner',
          DurationSeconds: 900,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error(`AssumeRole ${roleArn} returned no credentials`);
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      };
    } finally {
      sts.destroy();
    }
  }
}
