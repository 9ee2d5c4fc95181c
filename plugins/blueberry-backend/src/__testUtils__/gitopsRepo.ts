import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  environmentFiles,
  FixtureEnvironment,
} from '@blueberry-idp/argocd-standin';
import { BLUEBERRY_ANNOTATIONS } from '@blueberry-idp/plugin-blueberry-common';
import { parse, stringify } from 'yaml';

/** A fixture environment, and the catalog entity its Application records as its source. */
export type RecordedEnvironment = FixtureEnvironment & {
  sourceEntity?: string;
};

/** A real git repository holding the GitOps layout, for the Argo CD stand-in to reconcile. */
export class GitOpsRepo {
  readonly path: string;

  constructor() {
    this.path = fs.mkdtempSync(
      path.join(os.tmpdir(), 'blueberry-backend-gitops-'),
    );
    this.#git('init', '-q', '-b', 'main');
    this.#git('config', 'user.email', 'test@example.com');
    this.#git('config', 'user.name', 'Test');
    fs.writeFileSync(path.join(this.path, 'README.md'), 'GitOps\n');
    this.#git('add', '-A');
    this.#git('commit', '-q', '-m', 'init');
  }

  /** Writes and commits environments (the merge of their merge requests). */
  addEnvironments(environments: RecordedEnvironment[]): void {
    for (const environment of environments) {
      const files = environmentFiles(environment);
      if (environment.sourceEntity) {
        // The stand-in's fixture writer records no source entity; Blueberry's renderer does.
        const appPath = `environments/${environment.name}/application.yaml`;
        const app = parse(files[appPath]);
        app.metadata.annotations = {
          ...app.metadata.annotations,
          [BLUEBERRY_ANNOTATIONS.sourceEntity]: environment.sourceEntity,
        };
        files[appPath] = stringify(app);
      }
      for (const [file, content] of Object.entries(files)) {
        const target = path.join(this.path, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
      }
    }
    this.#git('add', '-A');
    this.#git(
      'commit',
      '-q',
      '-m',
      `add ${environments.map(e => e.name).join(', ')}`,
    );
  }

  remove(): void {
    fs.rmSync(this.path, { recursive: true, force: true });
  }

  #git(...args: string[]): void {
    execFileSync('git', args, { cwd: this.path, stdio: 'ignore' });
  }
}
