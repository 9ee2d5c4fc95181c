import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Remove environment pr-123 of the shop from a copy of the GitOps repository in ./gitops',
    example: yaml.stringify({
      steps: [
        {
          id: 'destroy',
          action: 'blueberry:environment:destroy',
          name: 'Remove the environment',
          input: { name: 'pr-123', app: 'shop', targetPath: 'gitops' },
        },
      ],
    }),
  },
  {
    description:
      'List the files of pr-123 for a GitLab merge request that deletes them (publish:gitlab:merge-request with commitAction: delete)',
    example: yaml.stringify({
      steps: [
        {
          id: 'destroy',
          action: 'blueberry:environment:destroy',
          name: 'Check and list the environment',
          input: {
            name: 'pr-123',
            app: 'shop',
            targetPath: 'gitops',
            mode: 'list',
          },
        },
      ],
    }),
  },
];
