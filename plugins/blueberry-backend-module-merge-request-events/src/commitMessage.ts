/** What happened, then who, which task and why as trailers: the format of every Blueberry lifecycle commit. */
export function commitMessage(
  summary: string,
  request: { reason: string; requestedBy: string; task: string },
): string {
  return [
    `blueberry: ${summary}`,
    '',
    `Reason: ${request.reason}`,
    `Requested-by: ${request.requestedBy}`,
    `Task: ${request.task}`,
  ].join('\n');
}
