/**
 * Kubernetes label selectors (`a=b,c!=d,e in (f,g),g notin (h),!i,j`) parsed by a single scan of
 * the text, so a hostile selector costs time in proportion to its length: a regular expression
 * with nested optional whitespace backtracked for seconds on `a=` followed by many spaces. Catalog
 * entities carry these in `argocd/app-selector`, written by anyone who can register an entity.
 * The Argo CD stand-in's `selector` parameter goes through it too (packages/argocd-standin/src/http/selector.ts).
 *
 * @public
 */
export type LabelMatcher = (labels: Record<string, string>) => boolean;

/**
 * Longer selectors are refused before they are read.
 *
 * @public
 */
export const MAX_LABEL_SELECTOR_LENGTH = 4096;

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '(' | ')' | ',' };

const WORD_CHAR = /[A-Za-z0-9_./-]/;

function tokenize(selector: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < selector.length) {
    const char = selector[i];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i += 1;
    } else if (WORD_CHAR.test(char)) {
      const start = i;
      while (i < selector.length && WORD_CHAR.test(selector[i])) i += 1;
      tokens.push({ kind: 'word', text: selector.slice(start, i) });
    } else if (char === '=' || char === '!') {
      const two = selector.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: char });
        i += 1;
      }
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'op', text: char });
      i += 1;
    } else {
      throw new Error(
        `unexpected ${JSON.stringify(
          char,
        )} at position ${i} of the label selector`,
      );
    }
  }
  return tokens;
}

/**
 * Parses a selector; throws an Error saying what is wrong when it is not one.
 *
 * @public
 */
export function parseLabelSelector(selector: string): LabelMatcher {
  if (selector.length > MAX_LABEL_SELECTOR_LENGTH) {
    throw new Error(
      `the label selector is longer than ${MAX_LABEL_SELECTOR_LENGTH} characters`,
    );
  }
  const tokens = tokenize(selector);
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (text: string) =>
    tokens[at]?.kind === 'op' && tokens[at].text === text;
  const word = (what: string): string => {
    const token = tokens[at];
    if (token?.kind !== 'word') {
      throw new Error(
        `expected ${what} ${
          token ? `but found '${token.text}'` : 'at the end'
        } in the label selector`,
      );
    }
    at += 1;
    return token.text;
  };

  const tests: LabelMatcher[] = [];
  while (at < tokens.length) {
    if (isOp('!')) {
      at += 1;
      const key = word('a label key after !');
      tests.push(labels => !(key in labels));
    } else {
      const key = word('a label key');
      const next = peek();
      if (next?.kind === 'op' && ['=', '==', '!='].includes(next.text)) {
        at += 1;
        // An empty value (`a=`) is allowed, as in Kubernetes.
        const value = peek()?.kind === 'word' ? word('a value') : '';
        tests.push(
          next.text === '!='
            ? labels => labels[key] !== value
            : labels => labels[key] === value,
        );
      } else if (
        next?.kind === 'word' &&
        (next.text === 'in' || next.text === 'notin')
      ) {
        at += 1;
        if (!isOp('(')) throw new Error(`expected ( after ${next.text}`);
        at += 1;
        const values = new Set<string>();
        while (!isOp(')')) {
          if (at >= tokens.length) throw new Error('missing ) in the selector');
          if (isOp(',')) at += 1;
          else values.add(word('a value'));
        }
        at += 1;
        tests.push(
          next.text === 'in'
            ? labels => key in labels && values.has(labels[key])
            : labels => !(key in labels) || !values.has(labels[key]),
        );
      } else {
        tests.push(labels => key in labels);
      }
    }
    if (at < tokens.length) {
      if (!isOp(',')) {
        throw new Error(
          `expected , between requirements but found '${tokens[at].text}' in the label selector`,
        );
      }
      at += 1;
      if (at >= tokens.length) throw new Error('the label selector ends in ,');
    }
  }
  if (tests.length === 0) throw new Error('the label selector is empty');
  return labels => tests.every(test => test(labels));
}
