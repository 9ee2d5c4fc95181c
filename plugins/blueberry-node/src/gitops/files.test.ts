import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listFiles } from './files';

describe('listFiles', () => {
  let root: string;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-files-'));
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lists the regular files of a workspace folder, sorted, and refuses a symbolic link in it', async () => {
    await fs.mkdir(path.join(root, 'components/redis'), { recursive: true });
    await fs.writeFile(path.join(root, 'application.yaml'), 'a: 1\n');
    await fs.writeFile(path.join(root, 'components/redis/values.yaml'), '');
    expect(await listFiles(root)).toEqual([
      'application.yaml',
      'components/redis/values.yaml',
    ]);

    // A link could point outside the workspace and smuggle that file into the repository.
    await fs.symlink(
      '/etc/passwd',
      path.join(root, 'components/redis/stolen.yaml'),
    );
    await expect(listFiles(root)).rejects.toThrow(InputError);
    await expect(listFiles(root)).rejects.toThrow(/symbolic link/);
  });
});
