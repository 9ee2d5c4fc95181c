import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalFileUrlReader } from './LocalFileUrlReader';

describe('LocalFileUrlReader', () => {
  let root: string;
  let outside: string;
  let reader: LocalFileUrlReader;

  beforeAll(async () => {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'blueberry-files-'));
    root = path.join(base, 'examples');
    outside = path.join(base, 'secret.txt');
    await fs.mkdir(path.join(root, '.blueberry'), { recursive: true });
    await fs.writeFile(
      path.join(root, '.blueberry/environment.yaml'),
      'kind: x\n',
    );
    await fs.writeFile(outside, 'not yours');
    await fs.symlink(outside, path.join(root, 'link.txt'));
    reader = new LocalFileUrlReader([root]);
  });

  it('reads a file under its roots', async () => {
    const url = pathToFileURL(path.join(root, '.blueberry/environment.yaml'));
    expect(reader.handles(url)).toBe(true);
    const response = await reader.readUrl(url.href);
    expect((await response.buffer()).toString()).toBe('kind: x\n');
  });

  it('refuses what is outside, by path or through a link, and says when a file is missing', async () => {
    expect(reader.handles(pathToFileURL(outside))).toBe(false);
    expect(reader.handles(new URL('https://example.com/x'))).toBe(false);
    await expect(
      reader.readUrl(pathToFileURL(path.join(root, '../secret.txt')).href),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      reader.readUrl(pathToFileURL(path.join(root, 'link.txt')).href),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      reader.readUrl(pathToFileURL(path.join(root, 'missing.yaml')).href),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
