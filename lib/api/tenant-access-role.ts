import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  leadingKeysCondition,
  TABLE_KEY_READ_ACTIONS,
  TABLE_KEY_WRITE_ACTIONS,
  TENANT_READ_ACTIONS,
  TENANT_SESSION_TAG,
} from '../../shared/domain/tenant-session-policy.ts';
import { viaService } from '../shared/aws-names.ts';
import type { TenantItemAction } from './context-function-specs.ts';

/** Props of {@link TenantAccessRole}. */
export interface TenantAccessRoleProps {
  /** The only principal that may assume this role. */
  functionRole: iam.Role;
  table: dynamodb.TableV2;
  tableKey: kms.Key;
  actions: readonly TenantItemAction[];
  description: string;
}

/**
 * The role a bounded context's function assumes for tenant data (token
 * vending). Only that function's role may assume it, only with a `TenantId`
 * session tag, and its policy allows the context's item actions only on keys
 * starting with `<that tag>#`. The handler also passes a session policy
 * fencing the same prefix (`tenantSessionPolicy`), so each session is
 * confined to one tenant twice over. The function's own role is granted
 * nothing on the table.
 *
 * @example new TenantAccessRole(this, 'SettingsTenantAccess', { functionRole, table, tableKey, actions: ['dynamodb:GetItem'], description: '...' });
 */
export class TenantAccessRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TenantAccessRoleProps) {
    super(scope, id);
    if (props.actions.length === 0) throw new Error('a tenant-access role needs at least one action');
    this.role = new iam.Role(this, 'Role', {
      description: props.description,
      // Role chaining (Lambda role -> this role) caps sessions at one hour anyway.
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.ArnPrincipal(props.functionRole.roleArn).withSessionTags().withConditions({
        // Why: a session without the tenant tag would have no tenant to be confined to.
        StringLike: { [`aws:RequestTag/${TENANT_SESSION_TAG}`]: '?*' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SESSION_TAG] },
      }),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TenantItemsOfTheSessionTenantOnly',
        actions: [...props.actions],
        resources: [props.table.tableArn],
        conditions: leadingKeysCondition(`\${aws:PrincipalTag/${TENANT_SESSION_TAG}}#`),
      }),
    );
    const readOnly = props.actions.every((action) =>
      (TENANT_READ_ACTIONS as readonly string[]).includes(action),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TableKeyThroughDynamoDbOnly',
        actions: [...(readOnly ? TABLE_KEY_READ_ACTIONS : TABLE_KEY_WRITE_ACTIONS)],
        resources: [props.tableKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': viaService(this, 'dynamodb') },
        },
      }),
    );
    props.functionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTenantAccessRoleWithTenantTag',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.role.roleArn],
      }),
    );
  }
}
