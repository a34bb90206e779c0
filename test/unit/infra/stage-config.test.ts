import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STAGE_CONFIG, stageConfigFrom } from '../../../lib/config/stage-config.ts';

const configOf = (context: Record<string, unknown>) => stageConfigFrom(new App({ context }).node);

describe('stageConfigFrom', () => {
  it('defaults every parameter without context', () => {
    expect(configOf({})).toEqual(DEFAULT_STAGE_CONFIG);
  });

  it('reads stage, region, account and the tuning parameters from context (strings, as -c gives them)', () => {
    expect(
      configOf({
        stage: 'prod',
        region: 'eu-central-1',
        account: '123456789012',
        logRetentionDays: '90',
        apiRateLimit: '200',
        apiBurstLimit: '400',
        auditLockMode: 'compliance',
        auditRetentionDays: '2555',
        cognitoPlus: 'true',
        approvalEmails: 'Bob@Example.com, carol@example.com',
        scanIntervalMinutes: '30',
      }),
    ).toEqual({
      stage: 'prod',
      region: 'eu-central-1',
      account: '123456789012',
      logRetentionDays: 90,
      apiRateLimit: 200,
      apiBurstLimit: 400,
      auditLockMode: 'COMPLIANCE',
      auditRetentionDays: 2555,
      cognitoPlus: true,
      approvalEmails: ['bob@example.com', 'carol@example.com'],
      scanIntervalMinutes: 30,
    });
  });

  it.each([
    [{ stage: 'Prod' }, /stage/],
    [{ stage: 'a-very-long-stage-name' }, /stage/],
    [{ region: 'mars-1' }, /region/],
    [{ account: '12345' }, /account/],
    [{ logRetentionDays: '10' }, /logRetentionDays/],
    [{ apiRateLimit: '0' }, /apiRateLimit/],
    [{ auditLockMode: 'strict' }, /auditLockMode/],
    [{ approvalEmails: 'not-an-address' }, /approvalEmails/],
    [{ scanIntervalMinutes: '0' }, /scanIntervalMinutes/],
  ])('rejects %j', (context, message) => {
    expect(() => configOf(context)).toThrow(message);
  });
});
