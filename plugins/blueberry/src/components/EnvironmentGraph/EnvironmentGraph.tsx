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
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { EnvironmentKey } from '../../api';
import { buildTree, TreeNode } from '../../logic/tree';

const useStyles = makeStyles((theme: Theme) => ({
  graph: { width: '100%', minHeight: 300, flex: 1 },
  node: { cursor: 'pointer' },
  text: { fill: theme.palette.text.primary, fontSize: 12 },
  status: { fontSize: 11 },
  detail: { fill: theme.palette.text.secondary, fontSize: 11 },
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

const PADDING = 8;

/** A node: its label, and its health and sync spelled out (a coloured border alone says nothing). */
function GraphNode(props: {
  node: TreeNode;
  onSelect: (key: EnvironmentKey) => void;
}) {
  const classes = useStyles();
  const { node, onSelect } = props;
  const textRef = useRef<SVGGElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const box = textRef.current?.getBBox();
    if (box && (box.width !== size.width || box.height !== size.height)) {
      setSize({ width: box.width, height: box.height });
    }
  }, [size.width, size.height]);
  const theme = useTheme<Theme>();
  const color = healthColor(theme, node.health);
  const status = [node.health, node.sync].filter(Boolean).join(' · ');
  return (
    <g
      className={classes.node}
      role="button"
      aria-label={`${node.label}${status ? `: ${status}` : ''}`}
      onClick={() => node.environment && onSelect(node.environment)}
    >
      <rect
        fill={theme.palette.background.paper}
        stroke={color}
        strokeWidth={node.kind === 'environment' ? 2 : 1}
        width={size.width + PADDING * 2}
        height={size.height + PADDING * 2}
        rx={6}
      />
      <g ref={textRef} transform={`translate(${PADDING}, ${PADDING})`}>
        <text className={classes.text} y={12}>
          {node.label}
        </text>
        {status && (
          <text className={classes.status} fill={color} y={28}>
            {status}
          </text>
        )}
        {node.detail && (
          <text className={classes.detail} y={status ? 44 : 28}>
            {node.detail}
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
  return (
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
  );
}
