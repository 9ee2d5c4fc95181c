import type { FeedbackPhase, FeedbackState } from './feedbackState';
import { inlineCode, safeLink, shorten } from './markdown';

/** The hidden line that finds our comment again (DESIGN section 5). */
export function commentMarker(environment: string): string {
  return `<!-- blueberry:environment=${environment} -->`;
}

const HEADLINE: Record<FeedbackPhase, string> = {
  creating: '⏳ creating',
  deploying: '🔄 deploying',
  ready: '✅ ready',
  failing: '❌ failing',
  removing: '🧹 removing',
  removed: '🗑️ removed',
};

/** At most this many failing resources are listed; the page has them all. */
const MAX_FAILING = 10;

/**
 * The comment's Markdown. Our own words and links are written as they are; everything that came
 * from Argo CD goes through `inlineCode`, so a resource message cannot add a link or a mention.
 */
export function renderComment(state: FeedbackState): string {
  const name = inlineCode(state.environment);
  const lines = [commentMarker(state.environment)];
  const headline =
    state.phase === 'removed' && state.removedBecause
      ? `${HEADLINE.removed}: ${state.removedBecause}`
      : HEADLINE[state.phase];
  lines.push(
    `### Blueberry environment ${name}: ${headline}`,
    '',
    `[Open ${state.environment} in Backstage](${safeLink(state.pageUrl)})`,
  );
  if (state.phase === 'removed') {
    if (state.commit)
      lines.push('', `Last ran commit ${shortSha(state.commit)}.`);
    return `${lines.join('\n')}\n`;
  }
  lines.push('');
  lines.push(
    `- **Health:** ${inlineCode(state.health)} · **Sync:** ${inlineCode(
      state.sync,
    )}`,
  );
  if (state.waves) lines.push(`- **Waves:** ${state.waves}`);
  if (state.urls.length) {
    lines.push(`- **Preview:** ${state.urls.map(safeLink).join(' · ')}`);
  }
  if (state.commit)
    lines.push(`- **Running commit:** ${shortSha(state.commit)}`);
  if (state.ahead) {
    const why = state.ahead.failure
      ? `not deployed: ${inlineCode(shorten(state.ahead.failure))}`
      : 'being deployed';
    lines.push(
      `- **Head ${shortSha(state.ahead.sha)} is ahead of it:** ${why}`,
    );
  }
  if (state.expiresAt) {
    lines.push(
      `- **Expires:** ${inlineCode(
        state.expiresAt,
      )} ([keep it longer](${safeLink(state.pageUrl)}))`,
    );
  }
  if (state.failing.length) {
    lines.push('', '**Not well:**', '');
    for (const resource of state.failing.slice(0, MAX_FAILING)) {
      const message = resource.message
        ? `: ${inlineCode(shorten(resource.message))}`
        : '';
      lines.push(
        `- ${inlineCode(`${resource.kind}/${resource.name}`)} ${inlineCode(
          resource.health,
        )}${message}`,
      );
    }
    if (state.failing.length > MAX_FAILING) {
      lines.push(`- … and ${state.failing.length - MAX_FAILING} more`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A full SHA as the short one people read; anything that is not hex is shown as code. */
function shortSha(commit: string): string {
  return /^[0-9a-f]{7,64}$/i.test(commit)
    ? `\`${commit.slice(0, 7)}\``
    : inlineCode(commit);
}

/** The one-line description a deployment status or commit status carries (both cap it). */
export function statusDescription(state: FeedbackState): string {
  const text =
    state.phase === 'removed'
      ? `removed${state.removedBecause ? `: ${state.removedBecause}` : ''}`
      : `${state.health}, ${state.sync}${
          state.waves ? `; waves ${state.waves}` : ''
        }`;
  return shorten(text, 140);
}
