import { parseTaggedImage } from './imageReference';

describe('parseTaggedImage', () => {
  it.each([
    [
      'redis:7.4',
      { host: 'docker.io', repository: 'library/redis', tag: '7.4' },
    ],
    [
      'docker.io/library/redis:7.4',
      { host: 'docker.io', repository: 'library/redis', tag: '7.4' },
    ],
    [
      'bitnami/redis:7.4',
      { host: 'docker.io', repository: 'bitnami/redis', tag: '7.4' },
    ],
    [
      'localhost:5000/shop/backend:abc1234',
      { host: 'localhost:5000', repository: 'shop/backend', tag: 'abc1234' },
    ],
    [
      'registry.gitlab.com/acme/shop/backend:pr-12',
      {
        host: 'registry.gitlab.com',
        repository: 'acme/shop/backend',
        tag: 'pr-12',
      },
    ],
  ])('reads %s as Docker does', (reference, expected) => {
    expect(parseTaggedImage(reference)).toEqual(expected);
  });

  it.each([
    ['shop/backend', 'it has no tag'],
    [`shop/backend@sha256:${'a'.repeat(64)}`, 'it already names a digest'],
    ['Shop/Backend:1', "'Shop/Backend' is not a valid repository name"],
    ['shop/backend:-bad', "'-bad' is not a valid tag"],
  ])('refuses %s: %s', (reference, why) => {
    expect(() => parseTaggedImage(reference)).toThrow(why);
  });
});
