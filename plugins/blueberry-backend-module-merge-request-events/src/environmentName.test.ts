import { nameProblem } from '@blueberry-idp/plugin-blueberry-common';
import {
  DEFAULT_ENVIRONMENT_NAME,
  mergeRequestEnvironmentName,
} from './environmentName';

describe('mergeRequestEnvironmentName', () => {
  const name = (pattern: string, app: string, project = 'acme/shop') =>
    mergeRequestEnvironmentName(pattern, { app, number: 12, project });

  it('names by app and number by default, as a DNS-1123 label', () => {
    expect(name(DEFAULT_ENVIRONMENT_NAME, 'shop')).toBe('shop-pr-12');
    expect(name('{project}-{number}', 'shop', 'Acme/Shop_Web')).toBe(
      'acme-shop-web-12',
    );
  });

  it('cuts a long name to 53 characters with a hash of the whole, so two long names stay two', () => {
    const first = name(DEFAULT_ENVIRONMENT_NAME, `${'a'.repeat(60)}-one`);
    const second = name(DEFAULT_ENVIRONMENT_NAME, `${'a'.repeat(60)}-two`);
    expect(first).toHaveLength(53);
    expect(first).not.toBe(second);
    expect(first.slice(0, 44)).toBe(second.slice(0, 44));
    expect(nameProblem(first)).toBeUndefined();
  });
});
