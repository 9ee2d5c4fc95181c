import type {
  Environment,
  EnvironmentsResponse,
  HealthStatus,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  DependencyGraph,
  DependencyGraphTypes,
} from '@backstage/core-components';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { EnvironmentKey } from '../../api';
import { buildTree, TreeNode } from '../../logic/tree';
import { fitText } from './fitText';

/** Every node's box is this wide, so dagre lays out boxes that never overlap, at any count. */
export const NODE_WIDTH = 240;
export const PADDING = 8;
export const LABEL_FONT_SIZE = 12;
export const SECONDARY_FONT_SIZE = 11;
const LINE_HEIGHT = 16;
const TEXT_WIDTH = NODE_WIDTH - PADDING * 2;

const useStyles = makeStyles((theme: Theme) => ({
  container: { width: '100%', minHeight: 300, flex: 1 },
  graph: { width: '100%', minHeight: 300 },
  node: { cursor: 'pointer' },
  text: { fill: theme.palette.text.primary, fontSize: LABEL_FONT_SIZE },
  status: { fontSize: SECONDARY_FONT_SIZE },
  detail: { fill: theme.palette.text.secondary, fontSize: SECONDARY_FONT_SIZE },
}));

function healthColor(
  theme: Theme,
  health: HealthStatus | null | undefined,
): string {
  switch (health) {
    case 'Healthy':
      return theme.palette.success.main;
    case 'Progressing':
      return theme.palette.info.main;
    case 'Missing':
      return theme.palette.warning.dark;
    case 'Degraded':
      return theme.palette.error.main;
    default:
      return theme.palette.text.secondary;
  }
}

/**
 * A node: its label, and its health and sync spelled out (a coloured border alone says nothing).
 * Its box has a fixed width and lines cut to fit it; the full label is its `<title>` (the tooltip)
 * and its accessible name.
 */
function GraphNode(props: {
  node: TreeNode;
  onSelect: (key: EnvironmentKey) => void;
}) {
  const classes = useStyles();
  const { node, onSelect } = props;
  const theme = useTheme<Theme>();
  const color = healthColor(theme, node.health);
  const status = [node.health, node.sync].filter(Boolean).join(' · ');
  const lines = 1 + (status ? 1 : 0) + (node.detail ? 1 : 0);
  return (
    <g
      className={classes.node}
      role="button"
      aria-label={`${node.label}${status ? `: ${status}` : ''}`}
      onClick={() => node.environment && onSelect(node.environment)}
    >
      <title>{node.label}</title>
      <rect
        fill={theme.palette.background.paper}
        stroke={color}
        strokeWidth={node.kind === 'environment' ? 2 : 1}
        width={NODE_WIDTH}
        height={lines * LINE_HEIGHT + PADDING * 2}
        rx={6}
      />
      <g transform={`translate(${PADDING}, ${PADDING})`}>
        <text className={classes.text} y={12}>
          {fitText(node.label, TEXT_WIDTH, LABEL_FONT_SIZE)}
        </text>
        {status && (
          <text className={classes.status} fill={color} y={28}>
            {fitText(status, TEXT_WIDTH, SECONDARY_FONT_SIZE)}
          </text>
        )}
        {node.detail && (
          <text className={classes.detail} y={status ? 44 : 28}>
            {fitText(node.detail, TEXT_WIDTH, SECONDARY_FONT_SIZE)}
          </text>
        )}
      </g>
    </g>
  );
}

/**
 * The environment tree as a graph: root Application, environments, and for the selected one its
 * waves, resources and what Argo CD's tree shows under them.
 */
export function EnvironmentGraph(props: {
  response: EnvironmentsResponse;
  environments: Environment[];
  selected?: EnvironmentKey;
  detail?: Environment;
  onSelect: (key: EnvironmentKey) => void;
}) {
  const classes = useStyles();
  const { response, environments, selected, detail, onSelect } = props;
  const { nodes, edges } = useMemo(
    () => buildTree(response, environments, selected, detail),
    [response, environments, selected, detail],
  );
  const containerRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const observer = new MutationObserver(() => capAtNaturalWidth(container));
    observer.observe(container, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['viewBox'],
    });
    capAtNaturalWidth(container);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={containerRef} className={classes.container}>
      <DependencyGraph<TreeNode, {}>
        className={classes.graph}
        nodes={nodes}
        edges={edges}
        direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
        rankMargin={60}
        nodeMargin={12}
        zoom="enable-on-click"
        renderNode={({ node }) => <GraphNode node={node} onSelect={onSelect} />}
      />
    </div>
  );
}

/**
 * DependencyGraph draws at `width: 100%` with a viewBox as wide as the graph, so a graph of two
 * nodes in a wide tab would be scaled up, text and all. Capping the SVG's width at its viewBox's
 * keeps the drawing at most 1:1 (a graph wider than the tab is still scaled down to fit).
 */
function capAtNaturalWidth(container: HTMLElement) {
  const svg = container.querySelector<SVGSVGElement>('svg#dependency-graph');
  const naturalWidth = Number(svg?.getAttribute('viewBox')?.split(' ')[2]);
  if (!svg || !(naturalWidth > 0)) return;
  const maxWidth = `${naturalWidth}px`;
  if (svg.style.maxWidth !== maxWidth) svg.style.maxWidth = maxWidth;
}
