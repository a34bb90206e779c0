import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import {
  TENANT_SECRET_ACTIONS,
  TENANT_SECRET_KEY_ACTIONS,
  TENANT_SESSION_TAG,
} from '../../shared/domain/tenant-session-policy.ts';

/**
 * Gives a tenant-access role the tenant's secrets (issue 13) and nothing
 * wider: Secrets Manager actions only on `secret:plumbline/<session tenant>/*`,
 * and KMS `Decrypt`/`GenerateDataKey` on the secrets key only when the
 * encryption context's `tenant` is the session's tenant. The session policy
 * each request passes (`tenantSessionPolicy`) narrows it to one literal
 * tenant again.
 *
 * @example grantTenantSecrets(tenantAccess.role, data.secretsKey);
 */
export function grantTenantSecrets(role: iam.Role, secretsKey: kms.IKey): void {
  const stack = Stack.of(role);
  const tenant = `\${aws:PrincipalTag/${TENANT_SESSION_TAG}}`;
  const secretArn = stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `plumbline/${tenant}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'SecretsOfTheSessionTenantOnly',
      actions: [...TENANT_SECRET_ACTIONS],
      resources: [secretArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'SecretsKeyUnderTheSessionTenantContextOnly',
      actions: [...TENANT_SECRET_KEY_ACTIONS],
      resources: [secretsKey.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:tenant': tenant } },
    }),
  );
  const show = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:${Token.isUnresolved(stack.partition) ? 'aws' : stack.partition}:secretsmanager:${show(stack.region, 'Region')}:${show(stack.account, 'AccountId')}:secret:plumbline/<aws:PrincipalTag/${TENANT_SESSION_TAG}>/*]`,
    reason:
      "Secrets Manager appends a random suffix to every secret ARN, and each tenant owns many: the wildcard is the session tenant's own prefix plumbline/<tenant>/ (the session policy narrows it to one literal tenant).",
  });
}
