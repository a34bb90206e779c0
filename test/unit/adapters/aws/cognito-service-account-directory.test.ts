import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolClientSecretCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CognitoServiceAccountDirectory,
  parseServiceAccountClientName,
  serviceAccountGrantOf,
} from '../../../../shared/adapters/aws/cognito-service-account-directory.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  cognito.reset();
  dynamo.reset();
});

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const tenantsAsked: string[] = [];
const directory = new CognitoServiceAccountDirectory({
  cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
  userPoolId: 'eu-west-1_pool',
  scope: 'plumbline/api',
  tokenUrl: 'https://plumbline-dev-1.auth.eu-west-1.amazoncognito.com/oauth2/token',
  tableName: 'plumbline',
  clientFor: (tenantId) => {
    tenantsAsked.push(tenantId);
    return documents;
  },
  now: () => new Date('2026-11-27T10:00:00Z'),
});

const stored = {
  pk: 'acme#service-accounts',
  sk: 'sa#3f2a8c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  id: '3f2a8c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  tenantId: 'acme',
  name: 'orders',
  clientId: 'client-1',
  roles: ['viewer:prod'],
  reason: 'orders',
  createdBy: 'root',
  createdAt: '2026-11-27T09:00:00.000Z',
};

describe('CognitoServiceAccountDirectory', () => {
  it('creates a client-credentials app client with a secret for the API scope, then the item under the tenant', async () => {
    // Prepare
    cognito
      .on(CreateUserPoolClientCommand)
      .resolves({ UserPoolClient: { ClientId: 'client-1', ClientSecret: 'shh' } });
    dynamo.on(PutCommand).resolves({});

    // Act
    const { account, clientSecret } = await directory.create({
      tenantId: 'acme',
      name: 'orders',
      roles: ['viewer:prod'],
      reason: 'orders',
      createdBy: 'root',
    });

    // Assess
    expect(clientSecret).toBe('shh');
    expect(cognito).toHaveReceivedCommandWith(CreateUserPoolClientCommand, {
      UserPoolId: 'eu-west-1_pool',
      ClientName: `plumbline-sa.acme.${account.id}`,
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: ['plumbline/api'],
    });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'plumbline',
      Item: {
        pk: 'acme#service-accounts',
        sk: `sa#${account.id}`,
        id: account.id,
        tenantId: 'acme',
        name: 'orders',
        clientId: 'client-1',
        roles: ['viewer:prod'],
        reason: 'orders',
        createdBy: 'root',
        createdAt: '2026-11-27T10:00:00.000Z',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(tenantsAsked.at(-1)).toBe('acme');
    expect(JSON.stringify(dynamo.commandCalls(PutCommand)[0]?.args[0].input)).not.toContain('shh');
  });

  it('deletes the new app client when its item cannot be written, and fails', async () => {
    // Prepare
    cognito
      .on(CreateUserPoolClientCommand)
      .resolves({ UserPoolClient: { ClientId: 'client-2', ClientSecret: 'x' } });
    dynamo.on(PutCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const created = directory.create({
      tenantId: 'acme',
      name: 'a',
      roles: ['viewer'],
      reason: 'r',
      createdBy: 'u',
    });

    // Assess
    await expect(created).rejects.toThrow('denied');
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolClientCommand, {
      UserPoolId: 'eu-west-1_pool',
      ClientId: 'client-2',
    });
  });

  it('rotates by adding a secret and deleting every other one, keeping the client id', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: stored });
    dynamo.on(UpdateCommand).resolves({});
    cognito
      .on(AddUserPoolClientSecretCommand)
      .resolves({ ClientSecretDescriptor: { ClientSecretId: 'new', ClientSecretValue: 'fresh' } });
    cognito
      .on(ListUserPoolClientSecretsCommand)
      .resolves({ ClientSecrets: [{ ClientSecretId: 'old' }, { ClientSecretId: 'new' }] });

    // Act
    const issued = await directory.rotate('acme', stored.id);

    // Assess
    expect(issued?.clientSecret).toBe('fresh');
    expect(issued?.account.clientId).toBe('client-1');
    expect(cognito).toHaveReceivedCommandWith(AddUserPoolClientSecretCommand, {
      UserPoolId: 'eu-west-1_pool',
      ClientId: 'client-1',
    });
    expect(cognito).toHaveReceivedCommandTimes(DeleteUserPoolClientSecretCommand, 1);
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolClientSecretCommand, {
      UserPoolId: 'eu-west-1_pool',
      ClientId: 'client-1',
      ClientSecretId: 'old',
    });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'acme#service-accounts', sk: `sa#${stored.id}` },
      ConditionExpression: 'attribute_exists(pk)',
    });
  });

  it('answers not found for another tenant without touching Cognito', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const rotated = await directory.rotate('globex', stored.id);
    const deleted = await directory.delete('globex', stored.id);

    // Assess
    expect([rotated, deleted]).toEqual([undefined, false]);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'globex#service-accounts', sk: `sa#${stored.id}` },
    });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('deletes the app client first, then the item', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: stored });
    dynamo.on(DeleteCommand).resolves({});
    cognito.on(DeleteUserPoolClientCommand).resolves({});

    // Act
    const deleted = await directory.delete('acme', stored.id);

    // Assess
    expect(deleted).toBe(true);
    expect(cognito).toHaveReceivedCommandWith(DeleteUserPoolClientCommand, {
      UserPoolId: 'eu-west-1_pool',
      ClientId: 'client-1',
    });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: 'acme#service-accounts', sk: `sa#${stored.id}` },
    });
  });
});

describe('serviceAccountGrantOf (the trigger lookup)', () => {
  const deps = {
    cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
    documents,
    userPoolId: 'eu-west-1_pool',
    tableName: 'plumbline',
  };

  it("reads the client's name, then the account item under that tenant", async () => {
    // Prepare
    cognito
      .on(DescribeUserPoolClientCommand)
      .resolves({ UserPoolClient: { ClientName: `plumbline-sa.acme.${stored.id}` } });
    dynamo.on(GetCommand).resolves({ Item: stored });

    // Act
    const grant = await serviceAccountGrantOf(deps, 'client-1');

    // Assess
    expect(grant).toEqual({ tenantId: 'acme', roles: ['viewer:prod'] });
    expect(cognito).toHaveReceivedCommandWith(DescribeUserPoolClientCommand, {
      UserPoolId: 'eu-west-1_pool',
      ClientId: 'client-1',
    });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'plumbline',
      Key: { pk: 'acme#service-accounts', sk: `sa#${stored.id}` },
    });
  });

  it('finds nothing for a client that is not a service account, or whose item names another client', async () => {
    // Prepare
    cognito.on(DescribeUserPoolClientCommand).resolvesOnce({ UserPoolClient: { ClientName: 'plumb-cli' } });
    cognito
      .on(DescribeUserPoolClientCommand)
      .resolves({ UserPoolClient: { ClientName: `plumbline-sa.acme.${stored.id}` } });
    dynamo.on(GetCommand).resolves({ Item: { ...stored, clientId: 'someone-else' } });

    // Act
    const cli = await serviceAccountGrantOf(deps, 'cli');
    const impostor = await serviceAccountGrantOf(deps, 'client-9');

    // Assess
    expect([cli, impostor]).toEqual([undefined, undefined]);
  });

  it('parses only well-formed client names', () => {
    expect(parseServiceAccountClientName(`plumbline-sa.acme.${stored.id}`)).toEqual({
      tenantId: 'acme',
      id: stored.id,
    });
    expect(parseServiceAccountClientName('plumbline-sa.a*b.x')).toBeUndefined();
    expect(parseServiceAccountClientName(undefined)).toBeUndefined();
  });
});
