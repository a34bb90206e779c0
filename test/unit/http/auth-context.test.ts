import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../shared/domain/errors.ts';
import { parseRolesClaim, principalFromEvent } from '../../../shared/http/auth-context.ts';

const event = (claims?: Record<string, unknown>) =>
  ({
    requestContext: claims ? { authorizer: { lambda: claims } } : {},
  }) as unknown as APIGatewayProxyEventV2;

describe('claims from the JWT authorizer', () => {
  it('reads roles as API Gateway delivers them: a bracketed, space-separated string', () => {
    expect(parseRolesClaim('[editor viewer:prod]')).toEqual([
      { role: 'editor' },
      { role: 'viewer', env: 'prod' },
    ]);
  });

  it('reads roles as a JSON array and as a comma list', () => {
    expect(parseRolesClaim(['admin'])).toEqual([{ role: 'admin' }]);
    expect(parseRolesClaim('viewer,editor:dev')).toEqual([
      { role: 'viewer' },
      { role: 'editor', env: 'dev' },
    ]);
  });

  it('drops unknown roles', () => {
    expect(parseRolesClaim('[superuser viewer]')).toEqual([{ role: 'viewer' }]);
  });

  it('takes the tenant and user only from the claims', () => {
    expect(principalFromEvent(event({ sub: 'alice', tenant_id: 'acme', roles: '[viewer]' }))).toEqual({
      tenantId: 'acme',
      userId: 'alice',
      roles: [{ role: 'viewer' }],
    });
  });

  it('rejects missing claims, missing tenant and tenant ids that could reach another key prefix', () => {
    expect(() => principalFromEvent(event())).toThrow(UnauthorizedError);
    expect(() => principalFromEvent(event({ sub: 'a' }))).toThrow(UnauthorizedError);
    expect(() => principalFromEvent(event({ sub: 'a', tenant_id: 'acme#settings' }))).toThrow(
      UnauthorizedError,
    );
    expect(() => principalFromEvent(event({ tenant_id: 'acme' }))).toThrow(UnauthorizedError);
  });
});
