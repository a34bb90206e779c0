import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { ROLES_ATTRIBUTE, TENANT_ID_ATTRIBUTE } from '../../shared/domain/tenant-claims.ts';
import { TABLE_KEY_READ_ACTIONS } from '../../shared/domain/tenant-session-policy.ts';
import { viaService } from '../shared/aws-names.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';

/** Props of {@link TenantUserPool}. */
export interface TenantUserPoolProps {
  stage: string;
  logRetentionDays: number;
  /** Plus feature plan with full threat protection; Essentials otherwise (both allow V3 access-token customization). */
  plus: boolean;
  /** The settings table: the trigger reads service account items (`<tenant>#service-accounts`) from it. */
  table: dynamodb.TableV2;
  tableKey: kms.IKey;
}

/** The resource server of the API and its one scope, which service accounts are given. */
export const API_RESOURCE_SERVER = 'plumbline';
/** The scope service-account clients may ask for: `plumbline/api`. */
export const API_SCOPE = 'api';

/** `custom:tenant_id` -> `tenant_id`: the key CDK's `customAttributes` takes. */
const customName = (attribute: string): string => attribute.replace(/^custom:/, '');

/**
 * The Cognito user pool that issues Plumbline's tokens, and the public app
 * client the `plumb` CLI signs in with. Users are created by an admin (no
 * self sign-up) with an immutable `custom:tenant_id` and a `custom:roles`
 * attribute that only admins can write; a pre-token-generation trigger (V2,
 * so the access token can carry an array) turns them into the `tenant_id`
 * and `roles` claims the API reads. MFA (TOTP) is required.
 *
 * @example const users = new TenantUserPool(this, 'Users', { stage: 'dev', logRetentionDays: 30, plus: false });
 */
export class TenantUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly preTokenGeneration: HouseFunction;
  /** The scope of service-account clients (`plumbline/api`). */
  readonly serviceAccountScope: string;
  /** The token endpoint of the pool's domain, where service accounts get tokens (client credentials). */
  readonly tokenUrl: string;

  constructor(scope: Construct, id: string, props: TenantUserPoolProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Pool', {
      userPoolName: `plumbline-${props.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        [customName(TENANT_ID_ATTRIBUTE)]: new cognito.StringAttribute({
          minLen: 1,
          maxLen: 64,
          mutable: false,
        }),
        [customName(ROLES_ATTRIBUTE)]: new cognito.StringAttribute({
          minLen: 0,
          maxLen: 1024,
          mutable: true,
        }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: props.plus ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(props.plus
        ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      deletionProtection: true,
      // Users are data: the pool outlives the stateless stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (!props.plus) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials plan by default (Plus, with threat protection, is billed per active user); users are admin-created with TOTP MFA required. Deploy with -c cognitoPlus=true for Plus.',
      });
    }

    this.preTokenGeneration = new HouseFunction(this, 'PreTokenGeneration', {
      entry: lambdaEntry('cognito/pre-token-generation'),
      description: 'Plumbline Cognito pre-token-generation: tenant_id, roles and email claims',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetentionDays: props.logRetentionDays,
      invocation: 'synchronous',
      environment: { [ENV.tableName]: props.table.tableName },
    });
    // V3_0: the event also comes for machine clients (client credentials). Both V2_0 and V3_0 need
    // the Essentials or Plus feature plan, which this pool always has.
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenGeneration.function,
      cognito.LambdaVersion.V3_0,
    );
    this.#grantTriggerLookups(props.table, props.tableKey);

    // Service accounts (issue 15): one resource server scope, and the domain serving /oauth2/token.
    const apiScope = new cognito.ResourceServerScope({
      scopeName: API_SCOPE,
      scopeDescription: 'Call the Plumbline API as a service account (roles come from the account)',
    });
    this.userPool.addResourceServer('Api', {
      identifier: API_RESOURCE_SERVER,
      userPoolResourceServerName: 'Plumbline API',
      scopes: [apiScope],
    });
    this.serviceAccountScope = `${API_RESOURCE_SERVER}/${API_SCOPE}`;
    const domain = this.userPool.addDomain('Domain', {
      // Globally unique per region: the stage and the account number ("aws"/"cognito" are not allowed in it).
      cognitoDomain: { domainPrefix: `plumbline-${props.stage}-${Aws.ACCOUNT_ID}` },
    });
    this.tokenUrl = `${domain.baseUrl()}/oauth2/token`;

    this.client = this.userPool.addClient('CliClient', {
      userPoolClientName: 'plumb-cli',
      generateSecret: false,
      disableOAuth: true,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(customName(TENANT_ID_ATTRIBUTE), customName(ROLES_ATTRIBUTE)),
      // Why: users must never write their own tenant or roles; only admin APIs can.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
  }

  /**
   * The trigger reads, for a machine client, the app client's name
   * (`plumbline-sa.<tenant>.<id>`) and then that account's item. A separate
   * policy (not the role's default one, on which the function depends)
   * avoids a cycle: the pool depends on the function as its trigger.
   */
  #grantTriggerLookups(table: dynamodb.TableV2, tableKey: kms.IKey): void {
    new iam.Policy(this, 'PreTokenGenerationLookups', {
      roles: [this.preTokenGeneration.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['cognito-idp:DescribeUserPoolClient'],
          resources: [this.userPool.userPoolArn],
        }),
        new iam.PolicyStatement({
          actions: ['dynamodb:GetItem'],
          resources: [table.tableArn],
          // Only service account items, of any tenant: the tenant comes from the client Cognito holds.
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#service-accounts'] } },
        }),
        new iam.PolicyStatement({
          actions: [...TABLE_KEY_READ_ACTIONS],
          resources: [tableKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'dynamodb') } },
        }),
      ],
    });
  }

  /** The issuer URL the HTTP API's token authorizer trusts (its JWKS signs every token of the pool). */
  get issuerUrl(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
