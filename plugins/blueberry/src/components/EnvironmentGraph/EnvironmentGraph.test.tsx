import type { Environment } from '@blueberry-idp/plugin-blueberry-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import {
  makeEnvironment,
  shopResponse,
} from '../../__testUtils__/fakeBlueberryApi';
import {
  EnvironmentGraph,
  LABEL_FONT_SIZE,
  NODE_WIDTH,
  PADDING,
  SECONDARY_FONT_SIZE,
} from './EnvironmentGraph';
import { characterBudget } from './fitText';

// jsdom lays nothing out. A browser's bounding box of a node is its rect (the text is cut to fit
// inside it), so measure a node's group by its rect's attributes: dagre then lays out the boxes we
// draw. (setupTests gives every SVG element one fixed box; this shadows it for groups only.)
const setupBBox = (SVGElement.prototype as any).getBBox;
beforeAll(() => {
  Object.defineProperty(SVGGElement.prototype, 'getBBox', {
    configurable: true,
    value(this: SVGGElement) {
      const rect = this.querySelector('rect');
      if (!rect) return setupBBox.call(this);
      return {
        x: 0,
        y: 0,
        width: Number(rect.getAttribute('width')),
        height: Number(rect.getAttribute('height')),
      };
    },
  });
});
afterAll(() => {
  delete (SVGGElement.prototype as any).getBBox;
});

/** One environment whose single wave holds `count` resources with long names. */
function environmentWithResources(count: number): Environment {
  const environment = makeEnvironment(
    'pr-4711-a-branch-name-nobody-would-shorten',
  );
  const [wave] = environment.waves;
  const template = wave.resources[0];
  return {
    ...environment,
    waves: [
      {
        ...wave,
        resources: Array.from({ length: count }, (_, i) => ({
          ...template,
          kind: 'Deployment',
          health: 'Healthy' as const,
          sync: 'Synced' as const,
          name: `shop-backend-worker-with-a-very-long-descriptive-name-${i}`,
        })),
      },
    ],
  };
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function nodeBoxes(): Box[] {
  return screen.getAllByTestId('node').map(node => {
    const [, x, y] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(
      node.getAttribute('transform')!,
    )!;
    const rect = node.querySelector('rect')!;
    return {
      x: Number(x),
      y: Number(y),
      width: Number(rect.getAttribute('width')),
      height: Number(rect.getAttribute('height')),
    };
  });
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width &&
  b.x < a.x + a.width &&
  a.y < b.y + b.height &&
  b.y < a.y + a.height;

describe('EnvironmentGraph', () => {
  it('lays out 200 resources without overlap, each label cut to its box with the full name kept', async () => {
    const environment = environmentWithResources(200);
    const key = { instance: environment.instance, name: environment.name };
    await renderInTestApp(
      <EnvironmentGraph
        response={shopResponse()}
        environments={[environment]}
        selected={key}
        detail={environment}
        onSelect={() => {}}
      />,
    );
    // root, the environment, its wave and 200 resources, laid out (dagre gave them positions).
    await waitFor(() => {
      const boxes = nodeBoxes();
      expect(boxes).toHaveLength(203);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          if (overlaps(boxes[i], boxes[j])) {
            throw new Error(`nodes ${i} and ${j} overlap`);
          }
        }
      }
    });

    const textWidth = NODE_WIDTH - PADDING * 2;
    for (const node of screen.getAllByTestId('node')) {
      const title = node.querySelector('title')!.textContent!;
      const [label, ...secondary] = Array.from(node.querySelectorAll('text'));
      expect(Array.from(label.textContent!).length).toBeLessThanOrEqual(
        characterBudget(textWidth, LABEL_FONT_SIZE),
      );
      for (const line of secondary) {
        expect(Array.from(line.textContent!).length).toBeLessThanOrEqual(
          characterBudget(textWidth, SECONDARY_FONT_SIZE),
        );
      }
      // What is drawn is the full name, or its start and an ellipsis.
      const drawn = label.textContent!;
      const wholeOrCut =
        drawn === title ||
        (drawn.endsWith('…') && title.startsWith(drawn.slice(0, -1)));
      expect({ title, drawn, wholeOrCut }).toEqual({
        title,
        drawn,
        wholeOrCut: true,
      });
    }

    const longName =
      'Deployment shop-backend-worker-with-a-very-long-descriptive-name-199';
    const node = await screen.findByRole('button', {
      name: `${longName}: Healthy · Synced`,
    });
    expect(node.querySelector('title')).toHaveTextContent(longName);
    expect(node.querySelector('text')!.textContent).toMatch(/…$/);
    expect(
      screen.getByRole('button', {
        name: new RegExp(`^${environment.name}: `),
      }),
    ).toBeInTheDocument();
  });

  it('does not scale a small graph above its natural size', async () => {
    const environment = makeEnvironment('pr-101');
    await renderInTestApp(
      <EnvironmentGraph
        response={shopResponse()}
        environments={[environment]}
        onSelect={() => {}}
      />,
    );
    await waitFor(() => expect(screen.getAllByTestId('node')).toHaveLength(2));
    await waitFor(() => {
      const svg = document.querySelector<SVGSVGElement>(
        'svg#dependency-graph',
      )!;
      const drawing = svg.querySelector('#workspace > svg')!;
      const naturalWidth = Number(drawing.getAttribute('width'));
      // Two boxes side by side and the rank margin between them.
      expect(naturalWidth).toBeGreaterThanOrEqual(NODE_WIDTH * 2);
      expect(svg.getAttribute('viewBox')!.split(' ')[2]).toBe(
        String(naturalWidth),
      );
      // width: 100% capped at the viewBox's width: never drawn above 1:1, text at its font size.
      expect(svg.style.maxWidth).toBe(`${naturalWidth}px`);
    });
  });
});
