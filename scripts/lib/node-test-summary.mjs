// A node:test reporter that writes one JSON summary of a run: the tests each file collected and
// passed, and every failure, including those node's own summary leaves out of its `fail` count (a
// failed `describe`, a `before`/`after` hook at the top of a file, a file that exits or will not load).
// scripts/test.sh reads it through scripts/lib/tally.mjs, which holds each file to its floor.
import path from 'node:path';

export default async function* summary(source) {
  const files = {};
  const failures = [];
  const stdout = [];
  const fileOf = data => path.resolve(data.file ?? 'unknown file');
  const tally = file => (files[file] ??= { collected: 0, passed: 0 });

  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === 'test:stdout') {
      stdout.push(data.message);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const file = fileOf(data);
    // A file that fails as a whole (exits, will not load, a top-level hook throws) is reported as a
    // test named after the file: it is a failure, not a collected test.
    const isFile = path.resolve(data.name ?? '') === file;
    const isTest = data.details?.type === 'test' && !isFile;
    if (isTest) tally(file).collected += 1;
    if (event.type === 'test:pass') {
      // A skipped or todo test ran nothing: it is not a pass.
      if (data.skip || data.todo) {
        failures.push({
          file,
          name: data.name,
          why: data.skip ? 'skipped' : 'todo',
        });
      } else if (isTest) {
        tally(file).passed += 1;
      }
      continue;
    }
    // A suite that failed only because a test in it failed: that test is already counted.
    if (data.details?.error?.failureType === 'subtestsFailed') continue;
    tally(file);
    const error = data.details?.error;
    const message = String(error?.cause?.message ?? error?.message ?? '')
      .trim()
      .split('\n')[0];
    failures.push({
      file,
      name: isFile
        ? 'the file as a whole'
        : isTest
        ? data.name
        : `suite "${data.name}"`,
      why: `${error?.failureType ?? 'failed'}${message ? `: ${message}` : ''}`,
    });
  }
  yield `${JSON.stringify({ files, failures, stdout }, null, 2)}\n`;
}
