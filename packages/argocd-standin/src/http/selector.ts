/**
 * Kubernetes label selectors as Argo CD's `selector` parameter takes them: `k=v`, `k==v`, `k!=v`,
 * `k`, `!k`, `k in (a,b)`, `k notin (a,b)`; a comma between requirements means AND.
 */
export type LabelSelector = (labels: Record<string, string>) => boolean;

export class SelectorError extends Error {}

type Requirement = (labels: Record<string, string>) => boolean;

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s+\(([^)]*)\)$`);
const EQUALITY = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

export function parseSelector(
  selector: string | null | undefined,
): LabelSelector {
  const text = (selector ?? '').trim();
  if (!text) return () => true;
  const requirements = splitRequirements(text).map(parseRequirement);
  return labels => requirements.every(r => r(labels));
}

/** Splits on commas outside parentheses. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim());
}

function parseRequirement(text: string): Requirement {
  let match = SET.exec(text);
  if (match) {
    const [, key, operator, list] = match;
    const values = new Set(list.split(',').map(v => v.trim()));
    return operator === 'in'
      ? labels => key in labels && values.has(labels[key])
      : labels => !(key in labels) || !values.has(labels[key]);
  }
  match = EQUALITY.exec(text);
  if (match) {
    const [, key, operator, value] = match;
    return operator === '!='
      ? labels => labels[key] !== value
      : labels => key in labels && labels[key] === value;
  }
  match = EXISTS.exec(text);
  if (match) {
    const [, not, key] = match;
    return not ? labels => !(key in labels) : labels => key in labels;
  }
  throw new SelectorError(
    `unable to parse requirement: ${JSON.stringify(text)}`,
  );
}
