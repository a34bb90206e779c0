import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { TenantCredentialsVendor } from '../../../../shared/adapters/aws/tenant-credentials.ts';
import { createTenantDocumentClients } from '../../../../shared/adapters/aws/tenant-document-clients.ts';
import { tenantSessionPolicy } from '../../../../shared/domain/tenant-session-policy.ts';

const roleArn = 'arn:aws:iam::123456789012:role/plumbline-dev-settings-tenant-access';
const tableArn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/plumbline';
const tableKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const HOUR = 3_600_000;

const sts = mockClient(STSClient);

/** STS answers with credentials numbered by call, expiring one hour after `now()`. */
function answerWithFreshCredentials(now: () => number): void {
  let n = 0;
  sts.on(AssumeRoleCommand).callsFake(async () => {
    n += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIA${n}`,
        SecretAccessKey: `secret-${n}`,
        SessionToken: `token-${n}`,
        Expiration: new Date(now() + HOUR),
      },
    };
  });
}

function vendorAt(clock: { t: number }, extra: { maxTenants?: number } = {}): TenantCredentialsVendor {
  return new TenantCredentialsVendor({
    sts: new STSClient({ region: 'eu-west-1' }),
    roleArn,
    tableArn,
    tableKeyArn,
    now: () => clock.t,
    ...extra,
  });
}

describe('TenantCredentialsVendor', () => {
  beforeEach(() => {
    sts.reset();
  });

  it('assumes the tenant-access role with the tenant session policy, a session tag and an audit-friendly name', async () => {
    // Prepare
    const clock = { t: Date.UTC(2026, 10, 22) };
    answerWithFreshCredentials(() => clock.t);

    // Act
    const credentials = await vendorAt(clock).credentialsFor('acme');

    // Assess
    expect(sts).toHaveReceivedCommandExactlyOnceWith(AssumeRoleCommand, {
      RoleArn: roleArn,
      RoleSessionName: 'tenant-acme',
      DurationSeconds: 3600,
      Policy: JSON.stringify(tenantSessionPolicy({ tenantId: 'acme', tableArn, tableKeyArn })),
      Tags: [{ Key: 'TenantId', Value: 'acme' }],
    });
    expect(credentials).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 'secret-1',
      sessionToken: 'token-1',
      expiration: new Date(clock.t + HOUR),
    });
  });

  it('reuses one tenant’s credentials for their lifetime and vends separate ones per tenant', async () => {
    // Prepare
    const clock = { t: Date.UTC(2026, 10, 22) };
    answerWithFreshCredentials(() => clock.t);
    const vendor = vendorAt(clock);

    // Act
    const first = await vendor.credentialsFor('acme');
    clock.t += 30 * 60_000;
    const again = await vendor.credentialsFor('acme');
    const other = await vendor.credentialsFor('globex');

    // Assess
    expect(again).toBe(first);
    expect(other.accessKeyId).not.toBe(first.accessKeyId);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sts).toHaveReceivedNthCommandWith(AssumeRoleCommand, 2, { RoleSessionName: 'tenant-globex' });
  });

  it('renews credentials five minutes before they expire, not after', async () => {
    // Prepare
    const clock = { t: Date.UTC(2026, 10, 22) };
    answerWithFreshCredentials(() => clock.t);
    const vendor = vendorAt(clock);
    const first = await vendor.credentialsFor('acme');

    // Act
    clock.t = first.expiration.getTime() - 5 * 60_000 - 1;
    const stillValid = await vendor.credentialsFor('acme');
    clock.t = first.expiration.getTime() - 5 * 60_000;
    const renewed = await vendor.credentialsFor('acme');

    // Assess
    expect(stillValid).toBe(first);
    expect(renewed.accessKeyId).toBe('ASIA2');
    expect(renewed.expiration.getTime()).toBe(clock.t + HOUR);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('shares one STS call between concurrent requests of the same tenant', async () => {
    // Prepare
    const clock = { t: Date.UTC(2026, 10, 22) };
    answerWithFreshCredentials(() => clock.t);
    const vendor = vendorAt(clock);

    // Act
    const [a, b, c] = await Promise.all([
      vendor.credentialsFor('acme'),
      vendor.credentialsFor('acme'),
      vendor.credentialsFor('acme'),
    ]);

    // Assess
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('does not cache a failed AssumeRole: the next request tries again', async () => {
    // Prepare
    const clock = { t: Date.UTC(2026, 10, 22) };
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .resolves({
        Credentials: {
          AccessKeyId: 'ASIA2',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(clock.t + HOUR),
        },
      });
    const vendor = vendorAt(clock);

    // Act
    const failure = await vendor.credentialsFor('acme').catch((error: Error) => error);
    const success = await vendor.credentialsFor('acme');

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(success.accessKeyId).toBe('ASIA2');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('rejects an STS answer without credentials', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({});

    // Act / Assess
    await expect(vendorAt({ t: 0 }).credentialsFor('acme')).rejects.toThrow(/no credentials/);
  });

  it('keeps at most maxTenants tenants cached, dropping the least recently used', async () => {
    // Prepare
    const clock = { t: Date.UTC(2026, 10, 22) };
    answerWithFreshCredentials(() => clock.t);
    const vendor = vendorAt(clock, { maxTenants: 2 });
    await vendor.credentialsFor('a1');
    await vendor.credentialsFor('b2');
    await vendor.credentialsFor('a1');

    // Act
    await vendor.credentialsFor('c3');
    await vendor.credentialsFor('a1');
    await vendor.credentialsFor('b2');

    // Assess: a1 stayed (recently used); b2 was dropped and assumed again
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 4);
    expect(sts).toHaveReceivedNthCommandWith(AssumeRoleCommand, 4, { RoleSessionName: 'tenant-b2' });
  });
});

describe('createTenantDocumentClients', () => {
  beforeEach(() => {
    sts.reset();
  });

  it('gives each tenant its own client that signs with that tenant’s vended credentials', async () => {
    // Prepare
    const clock = { t: Date.UTC(2026, 10, 22) };
    answerWithFreshCredentials(() => clock.t);
    const vendor = vendorAt(clock);
    const clientFor = createTenantDocumentClients({
      roleArn,
      tableArn,
      vendor,
      dynamoConfig: { region: 'eu-west-1' },
    });

    // Act
    const acme = clientFor('acme');
    const globex = clientFor('globex');
    const acmeCredentials = await acme.config.credentials();
    const globexCredentials = await globex.config.credentials();

    // Assess
    expect(clientFor('acme')).toBe(acme);
    expect(globex).not.toBe(acme);
    expect(acmeCredentials.accessKeyId).toBe((await vendor.credentialsFor('acme')).accessKeyId);
    expect(globexCredentials.accessKeyId).toBe((await vendor.credentialsFor('globex')).accessKeyId);
    expect(sts).toHaveReceivedNthCommandWith(AssumeRoleCommand, 1, { RoleSessionName: 'tenant-acme' });
    expect(sts).toHaveReceivedNthCommandWith(AssumeRoleCommand, 2, { RoleSessionName: 'tenant-globex' });
  });
});
