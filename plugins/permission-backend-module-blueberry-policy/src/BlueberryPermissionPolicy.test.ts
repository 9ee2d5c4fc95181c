import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  blueberryEnvironmentDestroyPermission,
  blueberryEnvironmentReadPermission,
  blueberryEnvironmentRollbackPermission,
  blueberryEnvironmentSyncPermission,
} from '@blueberry-idp/plugin-blueberry-common';
import { createPermission } from '@backstage/plugin-permission-common';
import { blueberryPolicyDecision } from './BlueberryPermissionPolicy';

const jane = {
  userEntityRef: 'user:default/jane',
  ownershipEntityRefs: ['user:default/jane', 'group:default/team-shop'],
};

describe('blueberryPolicyDecision', () => {
  it('leaves permissions other than Blueberry’s to the caller', () => {
    const other = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
    });
    expect(
      blueberryPolicyDecision({ permission: other }, jane, { admins: [] }),
    ).toBeUndefined();
  });

  it('allows reads (the catalog decides who sees the entity)', () => {
    expect(
      blueberryPolicyDecision(
        { permission: blueberryEnvironmentReadPermission },
        jane,
        { admins: [] },
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("gives changes to the entity's owners, as a catalog condition over the caller's claims", () => {
    for (const permission of [
      blueberryEnvironmentSyncPermission,
      blueberryEnvironmentDestroyPermission,
      blueberryEnvironmentRollbackPermission,
    ]) {
      expect(
        blueberryPolicyDecision({ permission }, jane, { admins: [] }),
      ).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: jane.ownershipEntityRefs },
        },
      });
    }
  });

  it('allows admins everything, and denies changes without a user', () => {
    expect(
      blueberryPolicyDecision(
        { permission: blueberryEnvironmentSyncPermission },
        jane,
        { admins: ['group:default/team-shop'] },
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      blueberryPolicyDecision(
        { permission: blueberryEnvironmentSyncPermission },
        undefined,
        { admins: [] },
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});
