import { describe, expect, it } from 'vitest';
import { tenantClaimsFromAttributes } from '../../../shared/domain/tenant-claims.ts';
import { parseRolesClaim } from '../../../shared/http/auth-context.ts';

describe('tenantClaimsFromAttributes', () => {
  it('turns custom:tenant_id and custom:roles into the tenant_id and roles claims', () => {
    expect(
      tenantClaimsFromAttributes({ 'custom:tenant_id': 'acme', 'custom:roles': 'admin editor:dev' }),
    ).toEqual({
      tenant_id: 'acme',
      roles: ['admin', 'editor:dev'],
    });
  });

  it('drops unknown or malformed role bindings and duplicates, and accepts commas', () => {
    expect(
      tenantClaimsFromAttributes({
        'custom:tenant_id': 'acme',
        'custom:roles': 'viewer,root editor:dev:x viewer  auditor',
      }),
    ).toEqual({ tenant_id: 'acme', roles: ['viewer', 'auditor'] });
  });

  it('gives a user without roles an empty roles claim', () => {
    expect(tenantClaimsFromAttributes({ 'custom:tenant_id': 'acme' })).toEqual({
      tenant_id: 'acme',
      roles: [],
    });
  });

  it.each([
    {},
    { 'custom:tenant_id': '' },
    { 'custom:tenant_id': 'acme#other' },
    { 'custom:tenant_id': '*' },
  ])('gives no claims at all without a valid tenant (%j), so the API answers 401', (attributes) => {
    expect(tenantClaimsFromAttributes(attributes)).toBeUndefined();
  });

  it('yields roles the API parses back exactly, in the stringified shape the JWT authorizer delivers', () => {
    // Prepare
    const claims = tenantClaimsFromAttributes({
      'custom:tenant_id': 'acme',
      'custom:roles': 'editor:dev viewer',
    });

    // Act: API Gateway hands array claims on as "[a b]"
    const parsed = parseRolesClaim(`[${claims?.roles.join(' ')}]`);

    // Assess
    expect(parsed).toEqual([{ role: 'editor', env: 'dev' }, { role: 'viewer' }]);
  });
});
