import { sleep } from '@blueberry-idp/plugin-blueberry-common';
import { eventually } from '@blueberry-idp/test-utils';

/** A guest's Backstage token, as the app gets it when the guest signs in. */
export async function guestToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/guest/refresh`);
  if (!response.ok) throw new Error(`guest sign-in: ${response.status}`);
  const body = await response.json();
  return body.backstageIdentity.token;
}

/**
 * The shop's components with fixed digests, given explicitly to "Create environment" (the action
 * takes them instead of the blueprint's, which would need the registry), on the embedded default's
 * chart repository (127.0.0.1:7081): the example shop's own charts and an unmodified `helm create web`.
 */
export function shopComponents(): Array<Record<string, unknown>> {
  const charts = 'http://127.0.0.1:7081';
  const host = '{component}-{environment}.preview.example.com';
  return [
    {
      name: 'shop-backend',
      role: 'backend',
      image:
        'registry.example.com/shop/backend@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      host,
      chart: {
        repoURL: charts,
        chart: 'shop-service',
        targetRevision: '1.4.2',
      },
    },
    {
      name: 'redis',
      role: 'database',
      chart: { repoURL: charts, chart: 'redis', targetRevision: '7.4.2' },
    },
    {
      name: 'storefront',
      role: 'frontend',
      image:
        'registry.example.com/shop/storefront@sha256:2a1b0c9d8e7f60514233241506f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5',
      host,
      chart: { repoURL: charts, chart: 'web', targetRevision: '0.1.0' },
    },
  ];
}

/**
 * Runs the "Create environment" template through the scaffolder's API, as the form's "Create" does,
 * with the shop's fixed components unless `values` names others, waits for the task to finish, and
 * answers its id.
 */
export async function createEnvironmentThroughScaffolder(
  baseUrl: string,
  values: Record<string, unknown>,
): Promise<string> {
  return runTemplate(baseUrl, 'create-environment', {
    components: shopComponents(),
    ...values,
  });
}

/**
 * Runs the "Destroy environment" template through the scaffolder's API (`entity`, `name`,
 * `reason`), as the form's "Create" does, waits for the task to finish, and answers its id.
 */
export async function destroyEnvironmentThroughScaffolder(
  baseUrl: string,
  values: Record<string, unknown>,
): Promise<string> {
  return runTemplate(baseUrl, 'destroy-environment', values);
}

/** Runs a template as the guest once it and the entity it names are in the catalog; its task's id. */
async function runTemplate(
  baseUrl: string,
  template: string,
  values: Record<string, unknown>,
): Promise<string> {
  const token = await guestToken(baseUrl);
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  };
  // The catalog ingests the template and the entity a moment after the backend is ready.
  for (const ref of [
    `template/default/${template}`,
    `${String(values.entity).replace(':', '/')}`,
  ]) {
    await eventually(
      async () => {
        const response = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/${ref}`,
          { headers },
        );
        return response.ok;
      },
      120_000,
      `${ref} in the catalog`,
      500,
    );
  }
  const created = await fetch(`${baseUrl}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      templateRef: `template:default/${template}`,
      values,
    }),
  });
  if (created.status !== 201) {
    throw new Error(
      `task not created: ${created.status} ${await created.text()}`,
    );
  }
  const { id } = await created.json();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const task = await (
      await fetch(
        `${baseUrl}/api/scaffolder/v2/tasks/${encodeURIComponent(id)}`,
        {
          headers,
        },
      )
    ).json();
    if (task.status === 'completed') return id;
    if (task.status === 'failed' || task.status === 'cancelled') {
      throw new Error(
        `task ${id} (${template}) ${task.status}: ${await taskError(
          baseUrl,
          id,
          headers,
        )}`,
      );
    }
    await sleep(500);
  }
  throw new Error(`task ${id} (${template}) did not finish within 120 s`);
}
/** What the task's log says went wrong: its error lines, so a test can tell a refusal from a fault. */
async function taskError(
  baseUrl: string,
  id: string,
  headers: Record<string, string>,
): Promise<string> {
  const response = await fetch(
    `${baseUrl}/api/scaffolder/v2/tasks/${encodeURIComponent(id)}/events`,
    { headers },
  );
  if (!response.ok) return `(no events: ${response.status})`;
  const events = (await response.json()) as Array<{
    type: string;
    body: { message?: string; status?: string };
  }>;
  return events
    .filter(e => e.type === 'log' && e.body.status === 'failed')
    .map(e => e.body.message)
    .concat(
      events.filter(e => e.type === 'completion').map(e => e.body.message),
    )
    .filter(Boolean)
    .join(' | ');
}
