import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../shared/domain/errors.ts';
import { authorize, can, type Principal, parseRoleBinding } from '../../../shared/domain/rbac.ts';

const who = (...roles: string[]): Principal => ({
  tenantId: 't',
  userId: 'u',
  roles: roles.map((r) => parseRoleBinding(r)).filter((b) => b !== undefined),
});

describe('roles and permissions', () => {
  it('viewer reads but cannot write', () => {
    expect(can(who('viewer'), 'settings:read', 'dev')).toBe(true);
    expect(can(who('viewer'), 'settings:write', 'dev')).toBe(false);
  });

  it('editor and admin write', () => {
    expect(can(who('editor'), 'settings:write', undefined)).toBe(true);
    expect(can(who('admin'), 'settings:write', 'prod')).toBe(true);
  });

  it('a role limited to one environment applies there only, and not to global', () => {
    const p = who('editor:dev');
    expect(can(p, 'settings:write', 'dev')).toBe(true);
    expect(can(p, 'settings:write', 'prod')).toBe(false);
    expect(can(p, 'settings:write', undefined)).toBe(false);
  });

  it('authorize names the missing permission', () => {
    expect(() => authorize(who('viewer'), 'settings:write', 'dev')).toThrow(ForbiddenError);
  });

  it('parses role bindings strictly', () => {
    expect(parseRoleBinding('editor:dev')).toEqual({ role: 'editor', env: 'dev' });
    expect(parseRoleBinding('root')).toBeUndefined();
    expect(parseRoleBinding('editor:Dev')).toBeUndefined();
    expect(parseRoleBinding('editor:dev:x')).toBeUndefined();
  });
});
