import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  leadingKeysCondition,
  SESSION_POLICY_MAX_CHARS,
  SLACK_SECRETS_ROOT,
  TENANT_ITEM_ACTIONS,
  tenantKeyPrefix,
  tenantSecretArnPattern,
  tenantSessionName,
  tenantSessionPolicy,
} from '../../../shared/domain/tenant-session-policy.ts';

const tableArn =
  'arn:aws:dynamodb:eu-west-1:123456789012:table/Plumbline-dev-Stateful-TableCD117FA1-1ABCDEFGHIJKL';
const tableKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** IAM `StringLike`: `*` any run of characters, `?` exactly one. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

const tenantId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

describe('tenantSessionPolicy', () => {
  it('allows item actions on the table and its indexes only for keys starting with "<tenant>#"', () => {
    // Prepare / Act
    const policy = tenantSessionPolicy({ tenantId: 'acme', tableArn, tableKeyArn });

    // Assess
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TenantItems',
          Effect: 'Allow',
          Action: [...TENANT_ITEM_ACTIONS],
          Resource: [tableArn, `${tableArn}/index/*`],
          Condition: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['acme#*'] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
        {
          Sid: 'TableKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: [tableKeyArn],
        },
      ],
    });
  });

  it('never allows actions whose requests carry no leading key (Scan, PartiQL) or any wildcard action', () => {
    // Prepare / Act
    const actions = tenantSessionPolicy({ tenantId: 'acme', tableArn, tableKeyArn }).Statement.flatMap(
      (s) => s.Action,
    );

    // Assess
    expect(actions.some((a) => a.includes('*'))).toBe(false);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.some((a) => /PartiQL|ExecuteStatement|ExecuteTransaction/.test(a))).toBe(false);
  });

  it('omits the key statement for a table without a customer-managed key', () => {
    // Act
    const policy = tenantSessionPolicy({ tenantId: 'acme', tableArn });

    // Assess
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['TenantItems']);
  });

  it("admits a tenant's own keys and never another tenant's, even when one id prefixes the other", () => {
    fc.assert(
      fc.property(tenantId, tenantId, fc.string(), (own, other, rest) => {
        // Prepare
        const condition = tenantSessionPolicy({ tenantId: own, tableArn }).Statement[0]?.Condition;
        const keys = condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined;
        const pattern = keys?.[0] ?? '';

        // Act / Assess
        expect(stringLike(pattern, `${own}#${rest}`)).toBe(true);
        if (other !== own) expect(stringLike(pattern, `${other}#${rest}`)).toBe(false);
      }),
    );
    expect(stringLike('acme#*', 'acme-corp#settings#global')).toBe(false);
  });

  it('stays under the STS session policy size limit for the longest tenant id', () => {
    // Prepare
    const longest = `a${'b'.repeat(63)}`;

    // Act
    const size = JSON.stringify(tenantSessionPolicy({ tenantId: longest, tableArn, tableKeyArn })).length;

    // Assess
    expect(size).toBeLessThan(SESSION_POLICY_MAX_CHARS);
  });

  it.each(['', 'acme#', 'ac*', 'a?c', '#acme', 'a'.repeat(65), 'acme corp', '-acme'])(
    'rejects the unsafe tenant id %j instead of writing it into a policy',
    (bad) => {
      expect(() => tenantSessionPolicy({ tenantId: bad, tableArn })).toThrow(/not safe/);
      expect(() => tenantSessionName(bad)).toThrow(/not safe/);
    },
  );
});

describe('tenant key prefix, session name and the shared condition', () => {
  it('matches the partition keys the DynamoDB adapter writes', () => {
    expect(tenantKeyPrefix('acme')).toBe('acme#');
  });

  it('names sessions after the tenant within the STS limits', () => {
    fc.assert(
      fc.property(tenantId, (id) => {
        expect(tenantSessionName(id)).toMatch(/^[\w+=,.@-]{2,64}$/);
      }),
    );
  });

  it('builds the same condition from a policy variable for the role policy', () => {
    const variable = ['$', '{aws:PrincipalTag/TenantId}'].join('');
    expect(leadingKeysCondition(`${variable}#`)).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${variable}#*`] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
  });
});

describe('tenantSessionPolicy with the secrets key (issue 13)', () => {
  const secretsKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/secrets';

  it("admits only the tenant's own secrets and the secrets key under its own encryption context", () => {
    // Act
    const policy = tenantSessionPolicy({ tenantId: 'acme', tableArn, secretsKeyArn });

    // Assess
    expect(policy.Statement.find((s) => s.Sid === 'TenantSecrets')?.Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plumbline/acme/*',
    ]);
    expect(policy.Statement.find((s) => s.Sid === 'TenantSecretKey')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [secretsKeyArn],
      Condition: { StringEquals: { 'kms:EncryptionContext:tenant': 'acme' } },
    });
  });

  it('stays within the STS session policy size limit with the longest tenant id and every key', () => {
    // Act
    const policy = tenantSessionPolicy({
      tenantId: 'a'.repeat(64),
      tableArn,
      tableKeyArn,
      secretsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/66666666-7777-8888-9999-000000000000',
    });

    // Assess
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(SESSION_POLICY_MAX_CHARS);
  });

  it('has no secret statements without the secrets key (contexts that do not handle secrets)', () => {
    // Act
    const policy = tenantSessionPolicy({ tenantId: 'acme', tableArn });

    // Assess
    expect(JSON.stringify(policy)).not.toMatch(/secretsmanager|EncryptionContext/);
  });

  it("never reaches another tenant's Slack webhook secret, whatever the tenant id (a tenant named slack included)", () => {
    const secretArn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
    fc.assert(
      fc.property(fc.oneof(tenantId, fc.constant('slack')), tenantId, (tenant, other) => {
        // Act
        const pattern = tenantSecretArnPattern(tableArn, tenant);

        // Assess
        expect(stringLike(pattern, secretArn(`${SLACK_SECRETS_ROOT}${other}/prod`))).toBe(false);
        expect(stringLike(pattern, secretArn(`plumbline/${tenant}/prod/db-password`))).toBe(true);
      }),
    );
  });
});
