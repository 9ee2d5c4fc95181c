import { MAX_NAME_LENGTH } from './names';

/**
 * Tenancy by construction (DESIGN section 3): the AppProjects Blueberry's bootstrap ships, the
 * namespaces environments get, and Argo CD's own matching rules for an AppProject's `sourceRepos`,
 * `destinations` and resource lists, so that the renderer's validator and the Argo CD stand-in
 * decide as Argo CD does (pkg/apis/application/v1alpha1/app_project_types.go, util/glob,
 * util/git.NormalizeGitURL in Argo CD 3.5).
 */

/**
 * The AppProject every environment's Application is in.
 *
 * @public
 */
export const ENVIRONMENTS_PROJECT_NAME = 'blueberry-environments';
/**
 * The AppProject of the root Application: it may only make Applications in Argo CD's namespace.
 *
 * @public
 */
export const ROOT_PROJECT_NAME = 'blueberry-root';

/**
 * `{environment}` is replaced by the environment's name.
 *
 * @public
 */
export const NAMESPACE_PATTERN_PLACEHOLDER = '{environment}';
/**
 * The default namespace pattern. The fixed prefix keeps every environment out of namespaces
 * Blueberry did not make (`monitoring` lands in `blueberry-monitoring`), and 10 + 53 characters fit
 * Kubernetes' 63-character namespace names.
 *
 * @public
 */
export const DEFAULT_NAMESPACE_PATTERN = `blueberry-${NAMESPACE_PATTERN_PLACEHOLDER}`;

const MAX_NAMESPACE_LENGTH = 63;
const FIXED_PART = /^[a-z0-9-]*$/;

/**
 * The rule a namespace pattern breaks, or undefined. It must hold `{environment}` once, with a
 * fixed prefix or suffix (without one, an environment could be named after any namespace), of
 * lowercase letters, digits and "-", short enough that a 53-character name still gives a DNS-1123
 * label of at most 63 characters.
 *
 * @public
 */
export function namespacePatternProblem(pattern: string): string | undefined {
  const parts = pattern.split(NAMESPACE_PATTERN_PLACEHOLDER);
  if (parts.length !== 2)
    return `must contain ${NAMESPACE_PATTERN_PLACEHOLDER} exactly once`;
  const [prefix, suffix] = parts;
  if (!prefix && !suffix)
    return 'must add a fixed prefix or suffix to the name, such as blueberry-{environment}: without one, an environment named after an existing namespace would take it over';
  if (!FIXED_PART.test(prefix) || !FIXED_PART.test(suffix))
    return 'may add only lowercase letters, digits and "-" to the name';
  if (prefix.startsWith('-') || suffix.endsWith('-'))
    return 'must start and end with a letter or digit (a DNS-1123 label)';
  if (prefix.length + suffix.length + MAX_NAME_LENGTH > MAX_NAMESPACE_LENGTH)
    return `must add at most ${
      MAX_NAMESPACE_LENGTH - MAX_NAME_LENGTH
    } characters: a ${MAX_NAME_LENGTH}-character environment name must still give a namespace of at most ${MAX_NAMESPACE_LENGTH}`;
  return undefined;
}

/**
 * The namespace of an environment under a (valid) pattern.
 *
 * @public
 */
export function environmentNamespace(
  environment: string,
  pattern: string = DEFAULT_NAMESPACE_PATTERN,
): string {
  return pattern.replace(NAMESPACE_PATTERN_PLACEHOLDER, environment);
}

/**
 * The AppProject destination namespace glob that matches every namespace of the pattern.
 *
 * @public
 */
export function namespacePatternGlob(
  pattern: string = DEFAULT_NAMESPACE_PATTERN,
): string {
  return pattern.replace(NAMESPACE_PATTERN_PLACEHOLDER, '*');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A glob as github.com/gobwas/glob (Argo CD's util/glob) compiles it: `*` any run of characters but
 * the separators, `**` any run at all, `?` one character but a separator, `[a-z]`/`[!a-z]` classes,
 * `{a,b}` alternatives, `\` escapes. Without separators `*` matches anything. Patterns come from
 * configuration and the bootstrap, not from users.
 *
 * @public
 */
export function globToRegExp(pattern: string, separators = ''): RegExp {
  const notSeparator = separators
    ? `[^${escapeRegExp(separators)}]`
    : '[\\s\\S]';
  let source = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]);
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        source += '[\\s\\S]*';
        i++;
      } else source += `${notSeparator}*`;
    } else if (char === '?') {
      source += notSeparator;
    } else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (char === '{') {
      depth++;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth--;
      source += ')';
    } else if (char === ',' && depth > 0) {
      source += '|';
    } else {
      source += escapeRegExp(char);
    }
  }
  if (depth > 0) return /(?!)/; // An unclosed `{`: gobwas refuses to compile it, so nothing matches.
  return new RegExp(`^${source}$`);
}

/**
 * Argo CD's globMatch: `*` alone matches everything, a leading `!` negates when allowed.
 *
 * @public
 */
export function argoCdGlobMatch(
  pattern: string,
  value: string,
  options: { allowNegation?: boolean; separators?: string } = {},
): boolean {
  if (options.allowNegation && pattern.startsWith('!'))
    return !globToRegExp(pattern.slice(1), options.separators).test(value);
  if (pattern === '*') return true;
  return globToRegExp(pattern, options.separators).test(value);
}

/**
 * Argo CD's NormalizeGitURL, for comparison only: lowercased, trimmed, `git@host:path` as
 * `host/path`, without a `.git` suffix.
 *
 * @public
 */
export function normalizeGitUrl(repoURL: string): string {
  let repo = repoURL.trim().toLowerCase();
  if (/^(ssh:\/\/)?([^/:]*?)@[^@]+$/.test(repo)) {
    if (!repo.startsWith('ssh://')) repo = `ssh://${repo.replace(':', '/')}`;
  }
  repo = repo.replace(/\.git$/, '');
  return repo.replace(/^ssh:\/\//, '');
}

/**
 * Whether an AppProject's `sourceRepos` permit a repository URL, as Argo CD's IsSourcePermitted
 * decides: globs over normalized URLs with "/" as separator; a `!pattern` that does not match
 * refuses outright.
 *
 * @public
 */
export function isSourcePermitted(
  sourceRepos: readonly string[],
  repoURL: string,
): boolean {
  const source = normalizeGitUrl(repoURL);
  let matchedAny = false;
  for (const repo of sourceRepos) {
    const negated = repo.startsWith('!');
    const normalized = negated
      ? `!${normalizeGitUrl(repo.slice(1))}`
      : normalizeGitUrl(repo);
    const matched = argoCdGlobMatch(normalized, source, {
      allowNegation: true,
      separators: '/',
    });
    if (matched) matchedAny = true;
    else if (negated) return false;
  }
  return matchedAny;
}
