import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish environment pr-123, rendered by blueberry:environment:create, to the GitOps repository (a commit locally, a merge or pull request on GitLab or GitHub)',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'blueberry:gitops:propose',
          name: 'Publish to the GitOps repository',
          input: {
            environment: 'pr-123',
            reason: 'Preview of merge request !123',
          },
        },
      ],
    }),
  },
  {
    description:
      'Replace environment pr-123 with the workspace’s copy: files it no longer has are deleted',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'blueberry:gitops:propose',
          name: 'Publish the update',
          input: {
            environment: 'pr-123',
            update: true,
            reason: 'Merge request !123 moved to a new head',
          },
        },
      ],
    }),
  },
  {
    description: 'Propose the removal of environment pr-123',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'blueberry:gitops:propose',
          name: 'Propose the removal',
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
