import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './paths';

/** A guest's Backstage token, as the app gets it when the guest signs in. */
export async function guestToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/guest/refresh`);
  if (!response.ok) throw new Error(`guest sign-in: ${response.status}`);
  const body = await response.json();
  return body.backstageIdentity.token;
}

/** The components the "Create environment" form offers by default, read from the template. */
export function templateDefaultComponents(): unknown[] {
  const template = parse(
    fs.readFileSync(
      path.join(repoRoot, 'templates/create-environment/template.yaml'),
      'utf8',
    ),
  );
  const step = template.spec.parameters.find(
    (p: { properties?: Record<string, unknown> }) => p.properties?.components,
  );
  return step.properties.components.default;
}

/**
 * Runs the "Create environment" template through the scaffolder's API, as the form's "Create" does,
 * waits for the task to finish, and answers its id.
 */
export async function createEnvironmentThroughScaffolder(
  baseUrl: string,
  values: Record<string, unknown>,
): Promise<string> {
  return runTemplate(baseUrl, 'create-environment', {
    components: templateDefaultComponents(),
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
    await until(async () => {
      const response = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/${ref}`,
        { headers },
      );
      return response.ok;
    }, `${ref} in the catalog`);
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
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(`task ${id} (${template}) did not finish within 120 s`);
}

async function until(condition: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 120_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
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
