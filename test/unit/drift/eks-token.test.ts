import { describe, expect, it } from 'vitest';
import { EKS_TOKEN_PREFIX, eksToken } from '../../../shared/adapters/aws/eks-token.ts';
import { eksTokenProblem } from '../../fixtures/k8s/verify-eks-token.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

describe('EKS token', () => {
  it('is k8s-aws-v1. + base64url (no padding) of a presigned STS GetCallerIdentity URL valid 60 s', async () => {
    // Act
    const token = await eksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'session/token+x=' },
      now: new Date('2026-11-27T10:00:00Z'),
    });
    // Assess
    expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
    const encoded = token.slice(EKS_TOKEN_PREFIX.length);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261127/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20261127T100000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': 'session/token+x=',
    });
    expect(url.searchParams.has('x-k8s-aws-id')).toBe(false);
  });

  it('passes the independent verifier within 60 s and fails it after', async () => {
    // Prepare
    const signedAt = new Date('2026-11-27T10:00:00Z');
    const token = await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, now: signedAt });
    const expected = { clusterName: 'prod', region: 'eu-west-1', ...credentials };
    // Act / Assess
    expect(eksTokenProblem(token, expected, new Date(signedAt.getTime() + 59_000))).toBeUndefined();
    expect(eksTokenProblem(token, expected, new Date(signedAt.getTime() + 61_000))).toBe('expired');
    expect(eksTokenProblem(token, { ...expected, region: 'us-east-1' }, signedAt)).toMatch(/unexpected host/);
  });
});
