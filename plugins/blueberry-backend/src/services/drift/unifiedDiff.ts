/** Lines of context around each change, as `diff -u` and git show them. */
const CONTEXT = 3;
/** Beyond this many lines per side the LCS table grows too big; the diff then replaces the whole. */
const MAX_LINES = 4000;

type Edit = { op: ' ' | '-' | '+'; line: string };

/**
 * A unified diff (`--- from`, `+++ to`, `@@` hunks) of two texts, line by line; '' when equal.
 * Manifests are small, so a plain longest-common-subsequence table is enough.
 */
export function unifiedDiff(
  from: string,
  to: string,
  labels: { from: string; to: string },
): string {
  if (from === to) return '';
  const a = splitLines(from);
  const b = splitLines(to);
  const edits = editScript(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < edits.length) {
    if (edits[i].op === ' ') {
      i += 1;
      continue;
    }
    // A hunk: from CONTEXT lines before this change to CONTEXT after the last change near it.
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    while (end < edits.length) {
      if (edits[end].op !== ' ') {
        end += 1;
        continue;
      }
      let run = end;
      while (run < edits.length && edits[run].op === ' ') run += 1;
      if (run === edits.length || run - end > 2 * CONTEXT) break;
      end = run;
    }
    const stop = Math.min(edits.length, end + CONTEXT);
    hunks.push(hunk(edits, start, stop));
    i = stop;
  }
  return [`--- ${labels.from}`, `+++ ${labels.to}`, ...hunks].join('\n');
}

function splitLines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

function editScript(a: string[], b: string[]): Edit[] {
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return [
      ...a.map(line => ({ op: '-' as const, line })),
      ...b.map(line => ({ op: '+' as const, line })),
    ];
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] =
        a[i] === b[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i++] });
      j++;
    } else if (
      i < a.length &&
      (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])
    ) {
      // Removals before additions on a tie, as diff -u writes a changed line.
      edits.push({ op: '-', line: a[i++] });
    } else {
      edits.push({ op: '+', line: b[j++] });
    }
  }
  return edits;
}

function hunk(edits: Edit[], start: number, stop: number): string {
  // 1-based line numbers of the hunk's first line on each side.
  let fromLine = 1;
  let toLine = 1;
  for (const edit of edits.slice(0, start)) {
    if (edit.op !== '+') fromLine += 1;
    if (edit.op !== '-') toLine += 1;
  }
  const body = edits.slice(start, stop);
  const fromCount = body.filter(e => e.op !== '+').length;
  const toCount = body.filter(e => e.op !== '-').length;
  const range = (line: number, count: number) =>
    `${count === 0 ? line - 1 : line},${count}`;
  return [
    `@@ -${range(fromLine, fromCount)} +${range(toLine, toCount)} @@`,
    ...body.map(e => `${e.op}${e.line}`),
  ].join('\n');
}
