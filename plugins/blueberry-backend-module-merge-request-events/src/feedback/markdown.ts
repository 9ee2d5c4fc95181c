/**
 * Text from Argo CD (resource names, health messages) in a comment GitHub or GitLab renders as
 * Markdown with HTML. Anything that did not come from us goes into an inline code span, which both
 * render literally: no link, image, HTML tag or `@mention` can come out of a resource message.
 */
export function inlineCode(text: string): string {
  // Newlines would end the list item; control characters have no business in a comment.
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (!flat) return '` `';
  // A code span is closed by a backtick run as long as its opener: open with a longer one.
  const longestRun = Math.max(
    0,
    ...(flat.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(longestRun + 1);
  // CommonMark strips one space on each side when both are there; it lets the text start with `.
  const padded =
    flat.startsWith('`') || flat.endsWith('`') ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}

/**
 * A link to a URL we are meant to show (a preview URL, our Backstage page): only http(s), and
 * written as an autolink `<…>` whose characters cannot close it early; anything else is shown as
 * code.
 */
export function safeLink(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return inlineCode(url);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return inlineCode(url);
  }
  // Written as given when nothing in it can end the autolink; else as URL serialisation writes
  // it, which percent-encodes spaces, quotes and angle brackets.
  // eslint-disable-next-line no-control-regex
  return /[\s<>"`\u0000-\u001f]/.test(url) ? `<${parsed.href}>` : `<${url}>`;
}

/** Longer Argo CD messages are cut: the comment points to Backstage for the whole story. */
export function shorten(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
