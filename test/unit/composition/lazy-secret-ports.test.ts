import { describe, expect, it } from 'vitest';
import { SECRET_PORT_ENV } from '../../../shared/composition/aws-secret-ports.ts';
import { ENV } from '../../../shared/composition/env-vars.ts';
import { secretPortsOnFirstUse } from '../../../shared/composition/lazy-secret-ports.ts';

const ref = { tenantId: 'acme', env: 'prod', name: 'db-password' };

describe('secretPortsOnFirstUse: the secret ports of a function that reads a secret only sometimes', () => {
  it('builds with no secret variable set and names every missing one on the first secret call, again on the next', async () => {
    // Prepare: only the table name, as a function without the secrets key would have.
    const env: Record<string, string | undefined> = { [ENV.tableName]: 'plumbline' };
    const missing = SECRET_PORT_ENV.filter((name) => name !== ENV.tableName);

    // Act
    const ports = secretPortsOnFirstUse(env);
    const first = ports.secrets.get(ref);
    const second = ports.keys.generateDataKey({
      tenant: 'acme',
      env: 'prod',
      name: 'db-password',
      version: '1',
    });

    // Assess: a failed load is not kept; each call reports the same deployment error.
    await expect(first).rejects.toThrow(`missing environment: ${missing.join(', ')}`);
    await expect(second).rejects.toThrow(`missing environment: ${missing.join(', ')}`);
  });
});
