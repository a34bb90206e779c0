import { describe, expect, it } from 'vitest';
import { LocalServiceAccountDirectory } from '../../../shared/adapters/local/local-service-account-directory.ts';
import { NotFoundError, ValidationError } from '../../../shared/domain/errors.ts';
import type { Principal } from '../../../shared/domain/rbac.ts';
import { createServiceAccount } from '../../../shared/use-cases/service-accounts/create-service-account.ts';
import { deleteServiceAccount } from '../../../shared/use-cases/service-accounts/delete-service-account.ts';
import { getServiceAccount } from '../../../shared/use-cases/service-accounts/get-service-account.ts';
import { rotateServiceAccount } from '../../../shared/use-cases/service-accounts/rotate-service-account.ts';

const admin = { tenantId: 'acme', userId: 'root', roles: [{ role: 'admin' }] } as unknown as Principal;
const otherTenant = { ...admin, tenantId: 'globex' } as Principal;

async function deps() {
  return {
    serviceAccounts: await LocalServiceAccountDirectory.open(
      undefined,
      () => 'http://127.0.0.1:1/oauth2/token',
    ),
  };
}

describe('service accounts', () => {
  it('creates an account whose secret is shown once, with the token URL, and authenticates with it', async () => {
    // Prepare
    const d = await deps();

    // Act
    const created = await createServiceAccount(d, admin, {
      name: 'orders',
      roles: ['viewer:prod', 'secret-reader:prod', 'viewer:prod'],
      reason: 'orders reads its settings',
    });

    // Assess
    expect(created).toMatchObject({
      tenantId: 'acme',
      name: 'orders',
      roles: ['viewer:prod', 'secret-reader:prod'],
      createdBy: 'root',
      tokenUrl: 'http://127.0.0.1:1/oauth2/token',
    });
    expect(created.clientSecret.length).toBeGreaterThanOrEqual(40);
    expect(await getServiceAccount(d, admin, created.id)).not.toHaveProperty('clientSecret');
    expect((await d.serviceAccounts.authenticate(created.clientId, created.clientSecret))?.id).toBe(
      created.id,
    );
    expect(
      await d.serviceAccounts.authenticate(created.clientId, `${created.clientSecret}x`),
    ).toBeUndefined();
  });

  it('refuses admin and approver (with or without an environment) and unknown roles, listing each, creating nothing', async () => {
    // Prepare
    const d = await deps();

    // Act
    const error = await createServiceAccount(d, admin, {
      name: 'robot',
      roles: ['viewer', 'admin', 'approver:prod', 'root'],
      reason: 'try',
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((v) => [v.pointer, v.rule])).toEqual([
      ['/body/roles/1', 'service-account-role'],
      ['/body/roles/2', 'service-account-role'],
      ['/body/roles/3', 'role'],
    ]);
    expect(await d.serviceAccounts.list('acme')).toEqual([]);
  });

  it('rotates the secret (the old one stops working) and deletes the account; another tenant sees neither', async () => {
    // Prepare
    const d = await deps();
    const created = await createServiceAccount(d, admin, { name: 'orders', roles: ['viewer'], reason: 'r' });

    // Act
    const foreignGet = await getServiceAccount(d, otherTenant, created.id).catch((e: unknown) => e);
    const foreignRotate = await rotateServiceAccount(d, otherTenant, created.id).catch((e: unknown) => e);
    const rotated = await rotateServiceAccount(d, admin, created.id);
    const oldWorks = await d.serviceAccounts.authenticate(created.clientId, created.clientSecret);
    const newWorks = await d.serviceAccounts.authenticate(created.clientId, rotated.clientSecret);
    await deleteServiceAccount(d, admin, created.id);
    const afterDelete = await d.serviceAccounts.authenticate(created.clientId, rotated.clientSecret);

    // Assess
    expect(foreignGet).toBeInstanceOf(NotFoundError);
    expect(foreignRotate).toBeInstanceOf(NotFoundError);
    expect(rotated.clientId).toBe(created.clientId);
    expect(rotated.rotatedAt).toBeDefined();
    expect(oldWorks).toBeUndefined();
    expect(newWorks?.id).toBe(created.id);
    expect(afterDelete).toBeUndefined();
    await expect(deleteServiceAccount(d, admin, created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
