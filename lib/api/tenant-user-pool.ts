import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES_ATTRIBUTE, TENANT_ID_ATTRIBUTE } from '../../shared/domain/tenant-claims.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';

/** Props of {@link TenantUserPool}. */
export interface TenantUserPoolProps {
  stage: string;
  logRetentionDays: number;
  /** Plus feature plan with full threat protection; Essentials otherwise. */
  plus: boolean;
}

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
      description: 'Plumbline Cognito pre-token-generation: tenant_id and roles claims',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetentionDays: props.logRetentionDays,
      invocation: 'synchronous',
    });
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenGeneration.function,
      cognito.LambdaVersion.V2_0,
    );

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

  /** The issuer URL the JWT authorizer trusts. */
  get issuerUrl(): string {
    return this.userPool.userPoolProviderUrl;
  }
}
