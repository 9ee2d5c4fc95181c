import { environmentAt } from '../__testUtils__/feedbackFixtures';
import { feedbackStateOf, removedState } from './feedbackState';
import { inlineCode, safeLink } from './markdown';
import { parseMergeRequestUrl } from './mergeRequestLink';
import { commentMarker, renderComment } from './renderComment';

const mergeRequest = parseMergeRequestUrl(
  'https://github.com/acme/shop/pull/12',
)!;
const pageUrl = 'https://backstage.example.com/catalog/default/resource/pr-12';

describe('the comment', () => {
  it('starts with the hidden marker and tells the waves, the URLs, the commit and the expiry', () => {
    const body = renderComment(
      feedbackStateOf({
        environment: environmentAt({
          doneWaves: 2,
          urls: ['https://shop.pr-12.example.com'],
        }),
        commit: 'abcdef0123456789abcdef0123456789abcdef01',
        mergeRequest,
        pageUrl,
      }),
    );
    expect(body.split('\n')[0]).toBe(commentMarker('pr-12'));
    expect(commentMarker('pr-12')).toBe('<!-- blueberry:environment=pr-12 -->');
    expect(body).toContain('🔄 deploying');
    expect(body).toContain('**Waves:** 0 ✓ 1 ✓ 2 … 3 ·');
    expect(body).toContain('<https://shop.pr-12.example.com>');
    expect(body).toContain('**Running commit:** `abcdef0`');
    expect(body).toContain(
      `**Expires:** \`2030-01-04T12:00:00Z\` ([keep it longer](<${pageUrl}>))`,
    );
    expect(body).toContain(`(<${pageUrl}>)`);
  });

  it("says when the merge request's head is ahead of the commit it runs, and why it is not deployed", () => {
    const state = (head?: { sha: string; failure?: string }) =>
      renderComment(
        feedbackStateOf({
          environment: environmentAt({ doneWaves: 4 }),
          commit: 'abcdef0123456789abcdef0123456789abcdef01',
          head,
          mergeRequest,
          pageUrl,
        }),
      );
    const failure =
      "Image registry.example.com/shop/backend:def5678 is not in the registry: registry.example.com has no manifest for tag 'def5678'";
    expect(state({ sha: 'def5678'.padEnd(40, '9'), failure })).toContain(
      `- **Head \`def5678\` is ahead of it:** not deployed: ${inlineCode(
        failure,
      )}`,
    );
    expect(state({ sha: 'def5678'.padEnd(40, '9') })).toContain(
      '- **Head `def5678` is ahead of it:** being deployed',
    );
    // At the head, or no head known: nothing to say.
    expect(
      state({ sha: 'abcdef0123456789abcdef0123456789abcdef01' }),
    ).not.toContain('ahead');
    expect(state()).not.toContain('ahead');
    // An environment that runs no commit of the merge request does not follow its head.
    expect(
      renderComment(
        feedbackStateOf({
          environment: environmentAt({ doneWaves: 4 }),
          commit: null,
          head: { sha: 'def5678'.padEnd(40, '9'), failure },
          mergeRequest,
          pageUrl,
        }),
      ),
    ).not.toContain('ahead');
  });

  it('cannot be made to link, mention or inject HTML by a resource message', () => {
    const message =
      'pull failed @octocat see [here](https://evil.example.com) <img src=x onerror=alert(1)> ``` `tick` \n- injected item';
    const body = renderComment(
      feedbackStateOf({
        environment: environmentAt({
          doneWaves: 1,
          degraded: { kind: 'Deployment', name: 'backend', message },
        }),
        commit: null,
        mergeRequest,
        pageUrl,
      }),
    );
    expect(body).toContain('❌ failing');
    const line = body.split('\n').find(l => l.includes('pull failed'))!;
    // The whole message is one code span, opened and closed by a run longer than any inside it.
    expect(line).toMatch(
      /^- `Deployment\/backend` `Degraded`: ````pull failed .* injected item````$/,
    );
    expect(body).not.toContain('\n- injected item');
  });

  it('shows a URL that is not http(s) as code, not as a link', () => {
    const script = ['javascript', 'alert(1)'].join(':');
    expect(safeLink(script)).toBe(`\`${script}\``);
    expect(safeLink('https://a.example.com/x y')).toBe(
      '<https://a.example.com/x%20y>',
    );
    expect(inlineCode('`start')).toBe('`` `start ``');
  });

  it('says removed and why, and nothing else', () => {
    const body = renderComment(
      removedState(
        { environment: 'pr-12', mergeRequest, pageUrl, commit: null },
        'pull request merged',
      ),
    );
    expect(body).toContain('🗑️ removed: pull request merged');
    expect(body).not.toContain('Waves');
  });
});

describe('parseMergeRequestUrl', () => {
  it('reads GitHub pull requests and GitLab merge requests, nothing else', () => {
    expect(
      parseMergeRequestUrl('https://github.com/acme/shop/pull/12'),
    ).toMatchObject({
      provider: 'github',
      host: 'github.com',
      project: 'acme/shop',
      number: 12,
    });
    expect(
      parseMergeRequestUrl(
        'https://gitlab.example.com/group/sub/shop/-/merge_requests/7',
      ),
    ).toMatchObject({
      provider: 'gitlab',
      host: 'gitlab.example.com',
      project: 'group/sub/shop',
      number: 7,
    });
    expect(
      parseMergeRequestUrl('https://github.com/acme/shop/issues/12'),
    ).toBeUndefined();
    expect(parseMergeRequestUrl('file:///etc/passwd')).toBeUndefined();
    expect(parseMergeRequestUrl('not a url')).toBeUndefined();
    expect(parseMergeRequestUrl(undefined)).toBeUndefined();
  });
});
