import type { ServiceAccount } from '../domain/service-accounts/service-account.ts';

/** What creating a service account needs. */
export interface NewServiceAccount {
  tenantId: string;
  name: string;
  roles: string[];
  reason: string;
  createdBy: string;
}

/** A service account with its client secret, which is shown this once. */
export interface IssuedServiceAccount {
  account: ServiceAccount;
  clientSecret: string;
}

/**
 * Where service accounts live and how their OAuth clients are made. On AWS
 * each is a Cognito app client with the client-credentials grant (its
 * tenant and roles kept for the pre-token-generation trigger); locally the
 * embedded token authority serves them. Every method is scoped to a tenant:
 * another tenant's id is simply not found.
 */
export interface ServiceAccountDirectory {
  /** Where clients get tokens (`POST`, `grant_type=client_credentials`, HTTP Basic). */
  tokenUrl(): string;
  create(input: NewServiceAccount): Promise<IssuedServiceAccount>;
  list(tenantId: string): Promise<ServiceAccount[]>;
  get(tenantId: string, id: string): Promise<ServiceAccount | undefined>;
  /** Replaces the secret (the old one stops working); `undefined` when not found. */
  rotate(tenantId: string, id: string): Promise<IssuedServiceAccount | undefined>;
  /** Deletes the account and its client; false when not found. */
  delete(tenantId: string, id: string): Promise<boolean>;
}
