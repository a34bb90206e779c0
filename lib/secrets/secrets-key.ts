import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The dedicated customer-managed key of secret envelopes (issue 13): data
 * keys are generated and unwrapped under it with an encryption context
 * naming the tenant, env, name and version. Yearly rotation on; retained.
 * Nothing is granted here: the tenant-access roles of the contexts that
 * handle secrets get `kms:Decrypt`/`kms:GenerateDataKey` on it, only with
 * `kms:EncryptionContext:tenant` equal to their session's tenant.
 *
 * @example const secretsKey = new SecretsKey(this, 'SecretsKey').key;
 */
export class SecretsKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Plumbline: wraps the per-version data keys of tenant secrets (envelope encryption)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
