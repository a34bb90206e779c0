/**
 * A machine identity of a tenant: an OAuth 2.0 client that gets access
 * tokens with the client-credentials grant, carrying the tenant and the
 * roles given here. Its secret is never stored in clear and shown once.
 */
export interface ServiceAccount {
  id: string;
  tenantId: string;
  name: string;
  /** The OAuth client id (a Cognito app client id on AWS). */
  clientId: string;
  /** Role bindings (`viewer:prod`, `secret-reader:prod`); never admin or approver. */
  roles: string[];
  reason: string;
  createdBy: string;
  createdAt: string;
  /** When the secret was last replaced. */
  rotatedAt?: string;
}
