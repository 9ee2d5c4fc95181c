import { gitopsCommitMessage } from './changeMessage';

describe('gitopsCommitMessage', () => {
  it('says what happened, then who, which task and why as trailers', () => {
    expect(
      gitopsCommitMessage('remove environment pr-12', {
        reason: 'merge request !12 of shop/shop was merged',
        requestedBy: 'gitlab:jane',
        task: 'task-1',
      }),
    ).toBe(
      [
        'blueberry: remove environment pr-12',
        '',
        'Reason: merge request !12 of shop/shop was merged',
        'Requested-by: gitlab:jane',
        'Task: task-1',
      ].join('\n'),
    );
  });
});
