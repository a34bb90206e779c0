import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Every (tenant, environment) that has Plumbline secrets, from the tags of
 * the secrets (`plumbline:tenant`, `plumbline:env`): names and tags only,
 * never a value. The daily rotation job's way to find its work without
 * scanning the table (a tenant session can never Scan).
 *
 * @example for (const { tenantId, env } of await listSecretScopes()) ...
 */
export async function listSecretScopes(
  client: SecretsManagerClient = new SecretsManagerClient({ maxAttempts: 3 }),
): Promise<{ tenantId: string; env: string }[]> {
  const scopes = new Map<string, { tenantId: string; env: string }>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: ['plumbline/'] },
          { Key: 'tag-key', Values: ['plumbline:tenant'] },
        ],
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const secret of page.SecretList ?? []) {
      const tag = (key: string) => secret.Tags?.find((t) => t.Key === key)?.Value;
      const tenantId = tag('plumbline:tenant');
      const env = tag('plumbline:env');
      if (tenantId && env && secret.Name?.startsWith(`plumbline/${tenantId}/${env}/`)) {
        scopes.set(`${tenantId}/${env}`, { tenantId, env });
      }
    }
    token = page.NextToken;
  } while (token);
  return [...scopes.values()];
}
