import { randomUUID } from 'node:crypto';
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolClientSecretCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ServiceAccount } from '../../domain/service-accounts/service-account.ts';
import type {
  IssuedServiceAccount,
  NewServiceAccount,
  ServiceAccountDirectory,
} from '../../ports/service-account-directory.ts';
import { createDocumentClient } from './dynamodb-clients.ts';
import type { DocumentClientFor } from './dynamodb-document-store.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

/** Prefix of the Cognito app client names of service accounts: `plumbline-sa.<tenant>.<account id>`. */
export const SERVICE_ACCOUNT_CLIENT_PREFIX = 'plumbline-sa';

/** Partition of a tenant's service account items: `<tenant>#service-accounts` (inside the tenant's key prefix). */
export function serviceAccountPartition(tenantId: string): string {
  return `${tenantId}#service-accounts`;
}

/**
 * The tenant and account id a service account's app client name carries
 * (what the pre-token-generation trigger reads from `DescribeUserPoolClient`),
 * or `undefined` for any other client.
 */
export function parseServiceAccountClientName(
  name: string | undefined,
): { tenantId: string; id: string } | undefined {
  const match = /^plumbline-sa\.([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.([0-9a-f-]{36})$/.exec(name ?? '');
  return match ? { tenantId: match[1] as string, id: match[2] as string } : undefined;
}

/** Options of {@link CognitoServiceAccountDirectory}. */
export interface CognitoServiceAccountDirectoryOptions {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  /** The resource server scope service accounts are allowed (`plumbline/api`). */
  scope: string;
  /** The user pool domain's token endpoint (`https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`). */
  tokenUrl: string;
  tableName: string;
  /** Tenant-scoped DynamoDB clients (token vending). */
  clientFor: DocumentClientFor;
  now?: () => Date;
}

/**
 * {@link ServiceAccountDirectory} on Cognito: each account is one app client
 * of the user pool with a generated secret and only the OAuth 2.0
 * client-credentials grant for the API's resource-server scope; its name,
 * `plumbline-sa.<tenant>.<id>`, lets the pre-token-generation trigger find
 * the account item (tenant, roles) in the table, under the tenant's keys
 * (`<tenant>#service-accounts`, `sa#<id>`). Rotation uses the client's
 * secret list: add a new secret, delete the others, so the client id stays.
 *
 * @example new CognitoServiceAccountDirectory({ cognito, userPoolId, scope: 'plumbline/api', tokenUrl, tableName, clientFor })
 */
export class CognitoServiceAccountDirectory implements ServiceAccountDirectory {
  readonly #options: CognitoServiceAccountDirectoryOptions;
  readonly #now: () => Date;

  constructor(options: CognitoServiceAccountDirectoryOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  tokenUrl(): string {
    return this.#options.tokenUrl;
  }

  async create(input: NewServiceAccount): Promise<IssuedServiceAccount> {
    const { cognito, userPoolId, scope } = this.#options;
    const id = randomUUID();
    const out = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: `${SERVICE_ACCOUNT_CLIENT_PREFIX}.${input.tenantId}.${id}`,
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [scope],
        // Machines never sign in as users: no user auth flows at all (the refresh-token flow is implicit).
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        AccessTokenValidity: 60,
        TokenValidityUnits: { AccessToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      }),
    );
    const clientId = out.UserPoolClient?.ClientId;
    const clientSecret = out.UserPoolClient?.ClientSecret;
    if (!clientId || !clientSecret) throw new Error('Cognito created an app client without id or secret');
    const account: ServiceAccount = {
      id,
      tenantId: input.tenantId,
      name: input.name,
      clientId,
      roles: input.roles,
      reason: input.reason,
      createdBy: input.createdBy,
      createdAt: this.#now().toISOString(),
    };
    try {
      await translateDynamoError(() =>
        this.#table(input.tenantId).send(
          new PutCommand({
            TableName: this.#options.tableName,
            Item: { pk: serviceAccountPartition(input.tenantId), sk: `sa#${id}`, ...account },
            // Why: a fresh UUID never exists; the condition only guards against overwriting by accident.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (error) {
      // Without its item the client would get tokens with no tenant: remove it before failing.
      try {
        await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
      } catch {
        // The item error is the one to report; an orphan client without an item gets no tenant claims.
      }
      throw error;
    }
    return { account, clientSecret };
  }

  async list(tenantId: string): Promise<ServiceAccount[]> {
    const accounts: ServiceAccount[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await translateDynamoError(() =>
        this.#table(tenantId).send(
          new QueryCommand({
            TableName: this.#options.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': serviceAccountPartition(tenantId), ':prefix': 'sa#' },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) accounts.push(toAccount(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return accounts.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async get(tenantId: string, id: string): Promise<ServiceAccount | undefined> {
    const out = await translateDynamoError(() =>
      this.#table(tenantId).send(
        new GetCommand({
          TableName: this.#options.tableName,
          Key: { pk: serviceAccountPartition(tenantId), sk: `sa#${id}` },
        }),
      ),
    );
    return out.Item ? toAccount(out.Item) : undefined;
  }

  async rotate(tenantId: string, id: string): Promise<IssuedServiceAccount | undefined> {
    const account = await this.get(tenantId, id);
    if (!account) return undefined;
    const { cognito, userPoolId } = this.#options;
    const client = { UserPoolId: userPoolId, ClientId: account.clientId };
    const added = await cognito.send(new AddUserPoolClientSecretCommand(client));
    const secret = added.ClientSecretDescriptor;
    if (!secret?.ClientSecretId || !secret.ClientSecretValue) {
      throw new Error('Cognito added a client secret without id or value');
    }
    // Every other secret stops working now (the old one is refused from here on).
    const listed = await cognito.send(new ListUserPoolClientSecretsCommand(client));
    for (const old of listed.ClientSecrets ?? []) {
      if (old.ClientSecretId && old.ClientSecretId !== secret.ClientSecretId) {
        await cognito.send(
          new DeleteUserPoolClientSecretCommand({ ...client, ClientSecretId: old.ClientSecretId }),
        );
      }
    }
    const rotatedAt = this.#now().toISOString();
    await translateDynamoError(() =>
      this.#table(tenantId).send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: { pk: serviceAccountPartition(tenantId), sk: `sa#${id}` },
          UpdateExpression: 'SET rotatedAt = :at',
          // Why: a concurrent delete must not be resurrected as a half item.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': rotatedAt },
        }),
      ),
    );
    return { account: { ...account, rotatedAt }, clientSecret: secret.ClientSecretValue };
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const account = await this.get(tenantId, id);
    if (!account) return false;
    // The client first: once it is gone no token can be issued, even if the item delete fails.
    try {
      await this.#options.cognito.send(
        new DeleteUserPoolClientCommand({ UserPoolId: this.#options.userPoolId, ClientId: account.clientId }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    await translateDynamoError(() =>
      this.#table(tenantId).send(
        new DeleteCommand({
          TableName: this.#options.tableName,
          Key: { pk: serviceAccountPartition(tenantId), sk: `sa#${id}` },
        }),
      ),
    );
    return true;
  }

  #table(tenantId: string) {
    return this.#options.clientFor(tenantId);
  }
}

function toAccount(item: Record<string, unknown>): ServiceAccount {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ServiceAccount;
}

/** What the pre-token-generation trigger learns about a machine client: its account's tenant and roles. */
export interface ServiceAccountGrant {
  tenantId: string;
  roles: string[];
}

/**
 * Finds the service account behind an app client, for the
 * pre-token-generation trigger: `DescribeUserPoolClient` gives the client's
 * name (`plumbline-sa.<tenant>.<id>`), then one `GetItem` the account's
 * item. `undefined` for a client that is not a service account, or whose
 * item is gone (its token then carries no tenant and the API refuses it).
 *
 * @example const grant = await serviceAccountGrantOf({ cognito, documents, userPoolId, tableName }, clientId);
 */
export async function serviceAccountGrantOf(
  deps: {
    cognito: CognitoIdentityProviderClient;
    documents: DynamoDBDocumentClient;
    userPoolId: string;
    tableName: string;
  },
  clientId: string,
): Promise<ServiceAccountGrant | undefined> {
  const described = await deps.cognito.send(
    new DescribeUserPoolClientCommand({ UserPoolId: deps.userPoolId, ClientId: clientId }),
  );
  const owner = parseServiceAccountClientName(described.UserPoolClient?.ClientName);
  if (!owner) return undefined;
  const out = await deps.documents.send(
    new GetCommand({
      TableName: deps.tableName,
      Key: { pk: serviceAccountPartition(owner.tenantId), sk: `sa#${owner.id}` },
    }),
  );
  const item = out.Item;
  // Why check clientId: the item must belong to this very client, not one that reused a name.
  if (!item || item.clientId !== clientId || item.tenantId !== owner.tenantId) return undefined;
  return { tenantId: owner.tenantId, roles: Array.isArray(item.roles) ? (item.roles as string[]) : [] };
}

/**
 * A {@link CognitoServiceAccountDirectory} with its own Cognito client (the
 * composition root loads this module on first use).
 *
 * @example const directory = cognitoServiceAccountDirectoryFrom({ userPoolId, scope, tokenUrl, tableName, clientFor });
 */
export function cognitoServiceAccountDirectoryFrom(
  options: Omit<CognitoServiceAccountDirectoryOptions, 'cognito'>,
): CognitoServiceAccountDirectory {
  return new CognitoServiceAccountDirectory({ ...options, cognito: new CognitoIdentityProviderClient({}) });
}

/**
 * The pre-token-generation trigger's lookup ({@link serviceAccountGrantOf})
 * with its own Cognito and DynamoDB clients, under the trigger's role.
 *
 * @example const lookup = serviceAccountLookupFrom({ userPoolId, tableName }); await lookup(clientId);
 */
export function serviceAccountLookupFrom(options: {
  userPoolId: string;
  tableName: string;
}): (clientId: string) => Promise<ServiceAccountGrant | undefined> {
  const deps = {
    ...options,
    cognito: new CognitoIdentityProviderClient({}),
    documents: createDocumentClient(),
  };
  return (clientId) => serviceAccountGrantOf(deps, clientId);
}
