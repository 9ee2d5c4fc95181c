import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Commit environment pr-123, rendered by blueberry:environment:create, to the local GitOps repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'blueberry:gitops:commit',
          name: 'Commit to the local GitOps repository',
          input: {
            environment: 'pr-123',
            reason: 'Preview of merge request !123',
          },
        },
      ],
    }),
  },
  {
    description: 'Commit the removal of environment pr-123',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'blueberry:gitops:commit',
          name: 'Commit the removal',
          input: {
            environment: 'pr-123',
            remove: true,
            reason: 'Merge request !123 was merged',
          },
        },
      ],
    }),
  },
];
