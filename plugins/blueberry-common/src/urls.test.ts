/* eslint-disable no-script-url -- hostile javascript: URLs are the input under test */
import { commitUrl, safeHttpUrl, safeHttpUrls } from './urls';

describe('safeHttpUrl', () => {
  it('keeps http and https URLs', () => {
    expect(safeHttpUrl('https://pr-1.shop.example.com')).toBe(
      'https://pr-1.shop.example.com',
    );
    expect(safeHttpUrl('http://localhost:8080/a?b=c')).toBe(
      'http://localhost:8080/a?b=c',
    );
  });

  it.each([
    'javascript:alert(document.cookie)',
    ' JavaScript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example.com',
    '/relative/path',
    'not a url',
    '',
  ])('refuses %j', value => {
    expect(safeHttpUrl(value)).toBeUndefined();
  });

  it('refuses what is not a string, and overlong URLs', () => {
    expect(safeHttpUrl(undefined)).toBeUndefined();
    expect(safeHttpUrl({ href: 'https://x' })).toBeUndefined();
    expect(safeHttpUrl(`https://x.example.com/${'a'.repeat(3000)}`)).toBe(
      undefined,
    );
  });

  it('filters a list, keeping order', () => {
    expect(
      safeHttpUrls([
        'https://b.example.com',
        'data:,x',
        'http://a.example.com',
      ]),
    ).toEqual(['https://b.example.com', 'http://a.example.com']);
  });
});

describe('commitUrl', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';

  it("links the commit in the merge request's repository, on GitHub and GitLab", () => {
    expect(commitUrl('https://github.com/acme/shop/pull/12', sha)).toBe(
      `https://github.com/acme/shop/commit/${sha}`,
    );
    expect(
      commitUrl(
        'https://gitlab.example.com/group/sub/shop/-/merge_requests/7',
        sha,
      ),
    ).toBe(`https://gitlab.example.com/group/sub/shop/-/commit/${sha}`);
  });

  it('gives nothing for other URLs, unsafe ones, or anything but a full SHA', () => {
    expect(commitUrl('https://example.com/reviews/12', sha)).toBeUndefined();
    expect(
      commitUrl('javascript:alert(1)//github.com/a/b/pull/1', sha),
    ).toBeUndefined();
    expect(
      commitUrl('https://github.com/acme/shop/pull/12', 'abc1234'),
    ).toBeUndefined();
    expect(commitUrl(null, sha)).toBeUndefined();
  });
});
