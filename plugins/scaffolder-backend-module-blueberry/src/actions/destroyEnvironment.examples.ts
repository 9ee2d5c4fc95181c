import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check that environment pr-123 of the shop may be retired, then propose its removal',
    example: yaml.stringify({
      steps: [
        {
          id: 'destroy',
          action: 'blueberry:environment:destroy',
          name: 'Check the environment',
          input: { name: 'pr-123', app: 'shop' },
        },
        {
          id: 'publish',
          action: 'blueberry:gitops:propose',
          name: 'Propose its removal',
          input: {
            environment: 'pr-123',
            remove: true,
            reason: 'No longer needed',
          },
        },
      ],
    }),
  },
];
