import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { environmentDrift } from './environmentDrift';
import { unifiedDiff } from './unifiedDiff';

const state = (object: unknown) => JSON.stringify(object);

describe('unifiedDiff', () => {
  it('writes the hunks GNU diff -u writes, one hunk per distant change', () => {
    const from = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const to = [...from];
    to[2] = 'changed 2';
    to.splice(20, 1);
    to.push('added at the end');
    const dir = mkdtempSync(path.join(tmpdir(), 'unified-diff-'));
    try {
      writeFileSync(path.join(dir, 'a'), `${from.join('\n')}\n`);
      writeFileSync(path.join(dir, 'b'), `${to.join('\n')}\n`);
      let expected = '';
      try {
        execFileSync('diff', ['-u', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
      } catch (error) {
        // diff exits 1 when the files differ.
        expected = (error as { stdout: string }).stdout;
      }
      const hunks = (text: string) => text.slice(text.indexOf('@@')).trimEnd();
      const ours = unifiedDiff(`${from.join('\n')}\n`, `${to.join('\n')}\n`, {
        from: 'git',
        to: 'live',
      });
      expect(ours.startsWith('--- git\n+++ live\n@@ ')).toBe(true);
      expect(hunks(ours)).toBe(hunks(expected));
      expect(ours.match(/^@@/gm)).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', { from: 'x', to: 'y' })).toBe('');
  });
});

describe('environmentDrift', () => {
  const secret = (data: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'blueberry-pr-1' },
    data,
    stringData: { password: 'hunter2' },
  });

  it("never shows a Secret's values, only which key changed", () => {
    const drift = environmentDrift({ spec: {} }, [
      {
        group: '',
        kind: 'Secret',
        namespace: 'blueberry-pr-1',
        name: 'db',
        modified: true,
        targetState: state(secret({ user: 'YWRtaW4=', token: 'c2VjcmV0' })),
        normalizedLiveState: state(
          secret({ user: 'YWRtaW4=', token: 'b3RoZXI=' }),
        ),
      },
    ]);
    expect(drift.selfHeal).toBe(false);
    expect(drift.items).toHaveLength(1);
    const { diff } = drift.items[0];
    for (const value of ['YWRtaW4=', 'c2VjcmV0', 'b3RoZXI=', 'hunter2'])
      expect(diff).not.toContain(value);
    expect(diff).toContain(
      '-  token: (redacted)\n+  token: (redacted, changed)',
    );
    expect(diff).not.toMatch(/^[-+]\s+user:/m);
  });

  it('leaves out what is not drift: unchanged, hooks, resources not applied yet or not in Git', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    };
    const drift = environmentDrift(
      { spec: { syncPolicy: { automated: { selfHeal: true } } } },
      [
        {
          kind: 'ConfigMap',
          name: 'same',
          modified: false,
          targetState: state(object),
          normalizedLiveState: state(object),
        },
        {
          kind: 'Job',
          name: 'hook',
          hook: true,
          modified: true,
          targetState: state(object),
          normalizedLiveState: 'null',
        },
        {
          kind: 'ConfigMap',
          name: 'new',
          modified: true,
          targetState: state(object),
          normalizedLiveState: 'null',
        },
        {
          kind: 'ConfigMap',
          name: 'extra',
          modified: true,
          targetState: 'null',
          normalizedLiveState: state(object),
        },
      ],
    );
    expect(drift).toEqual({ items: [], selfHeal: true });
  });
});
