import { describe, expect, it } from 'vitest';
import { ClusterReadError } from '../../../../shared/domain/drift/cluster-read-error.ts';
import { guardEndpoint } from '../../../../shared/use-cases/drift/guard-endpoint.ts';

const answering =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe('guardEndpoint', () => {
  it.each([
    ['169.254.169.254'],
    ['fd00:ec2::254'],
    ['::ffff:169.254.169.254'],
    ['fe80::1'],
    ['127.0.0.1'],
    ['::1'],
  ])('refuses a host name whose DNS answer includes %s', async (address) => {
    // Act
    const error = await guardEndpoint('https://k8s.example.com', {
      allowLoopback: false,
      resolve: answering('203.0.113.7', address),
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ClusterReadError);
    expect((error as ClusterReadError).message).toContain(address);
  });

  it('connects to the checked address and verifies the certificate against the host name', async () => {
    // Act
    const guarded = await guardEndpoint('https://k8s.example.com:6443', {
      allowLoopback: false,
      resolve: answering('203.0.113.7'),
    });

    // Assess
    expect(guarded).toEqual({ endpoint: 'https://203.0.113.7:6443', tlsServerName: 'k8s.example.com' });
  });

  it('accepts loopback only when allowed, and never the metadata address even then', async () => {
    // Act
    const loopback = await guardEndpoint('https://127.0.0.1:6443', { allowLoopback: true });
    const metadata = await guardEndpoint('https://169.254.169.254', { allowLoopback: true }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(loopback).toEqual({ endpoint: 'https://127.0.0.1:6443' });
    expect(metadata).toBeInstanceOf(ClusterReadError);
  });
});
