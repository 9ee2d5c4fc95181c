/**
 * Argo CD's `fields` parameter: comma-separated dotted paths from the response root
 * (`items.metadata.name`, `metadata.resourceVersion`, `result.application.status.health`); the
 * response keeps only those. A path through an array applies to each element.
 */
export type FieldTree = { [key: string]: FieldTree | true };

export function parseFields(values: string[]): FieldTree | undefined {
  const paths = values
    .flatMap(v => v.split(','))
    .map(p => p.trim())
    .filter(Boolean);
  if (!paths.length) return undefined;
  const tree: FieldTree = {};
  for (const path of paths) {
    let node = tree;
    const segments = path.split('.');
    segments.forEach((segment, i) => {
      if (node[segment] === true) return;
      if (i === segments.length - 1) node[segment] = true;
      else node = (node[segment] ??= {}) as FieldTree;
    });
  }
  return tree;
}

export function pickFields(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map(v => pickFields(v, tree));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(tree)) {
    const child = (value as Record<string, unknown>)[key];
    if (child === undefined) continue;
    out[key] = sub === true ? child : pickFields(child, sub);
  }
  return out;
}
