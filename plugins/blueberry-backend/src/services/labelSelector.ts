/**
 * Kubernetes label selectors (`a=b,c!=d,e in (f,g),!h`), evaluated in memory against the watched
 * Applications for the `argocd/app-selector` annotation.
 */
export type LabelMatcher = (labels: Record<string, string>) => boolean;

const REQUIREMENT =
  /^\s*(?:(!)\s*([\w./-]+)|([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)|([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)|([\w./-]+))\s*$/;

/** Parses a selector; throws an Error saying what is wrong when it is not one. */
export function parseLabelSelector(selector: string): LabelMatcher {
  const tests: LabelMatcher[] = splitRequirements(selector).map(part => {
    const m = REQUIREMENT.exec(part);
    if (!m) throw new Error(`'${part}' is not a label selector requirement`);
    if (m[1]) return labels => !(m[2] in labels);
    if (m[3]) {
      const [key, op, value] = [m[3], m[4], m[5]];
      return op === '!='
        ? labels => labels[key] !== value
        : labels => labels[key] === value;
    }
    if (m[6]) {
      const key = m[6];
      const values = new Set(
        m[8]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      );
      return m[7] === 'in'
        ? labels => key in labels && values.has(labels[key])
        : labels => !(key in labels) || !values.has(labels[key]);
    }
    const key = m[9];
    return labels => key in labels;
  });
  if (tests.length === 0) throw new Error('the label selector is empty');
  return labels => tests.every(test => test(labels));
}

/** Splits on commas that are not inside `in (...)` parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.filter(p => p.trim() !== '');
}
