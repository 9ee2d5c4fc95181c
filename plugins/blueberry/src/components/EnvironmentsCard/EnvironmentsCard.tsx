import { stringifyEntityRef } from '@backstage/catalog-model';
import { blueberryEnvironmentSyncPermission } from '@blueberry-idp/plugin-blueberry-common';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { useEffect, useMemo, useState } from 'react';
import { useEnvironments } from '../../hooks';
import {
  attentionRank,
  environmentId,
  sortByAttention,
} from '../../logic/attention';
import { isBlueberryAvailable } from '../../isBlueberryAvailable';
import {
  createTargetOf,
  CreateTarget,
  environmentsPlaceholder,
  MissingBlueberryAnnotation,
  StaleBanner,
} from '../EnvironmentStates';
import { EnvironmentRow } from './EnvironmentRow';

/** Rows shown before "Show all": what needs attention sorts first, so it is always in view. */
export const COLLAPSED_ROWS = 10;

/**
 * Rows added per frame after "Show all". Drawing 200 rows at once held Chromium's main thread for
 * several hundred milliseconds in one task (render, style, layout); 25 at a time, no frame is long.
 */
export const ROWS_PER_FRAME = 25;

/** How many rows to draw: the first ten, or when expanded all, reached a few rows per frame. */
function useDrawnRows(expanded: boolean, total: number): number {
  const [drawn, setDrawn] = useState(COLLAPSED_ROWS);
  useEffect(() => {
    if (!expanded) {
      setDrawn(COLLAPSED_ROWS);
      return undefined;
    }
    if (drawn >= total) return undefined;
    const frame = requestAnimationFrame(() =>
      setDrawn(count => count + ROWS_PER_FRAME),
    );
    return () => cancelAnimationFrame(frame);
  }, [expanded, drawn, total]);
  return expanded ? drawn : COLLAPSED_ROWS;
}

/**
 * The environments of the current entity: health, sync, waves, expiry (with Keep for those allowed)
 * and links, live.
 */
export function EnvironmentsCard() {
  const { entity } = useEntity();
  if (!isBlueberryAvailable(entity)) return <MissingBlueberryAnnotation />;
  return (
    <EnvironmentsCardContent
      entityRef={stringifyEntityRef(entity)}
      target={createTargetOf(entity)}
    />
  );
}

function EnvironmentsCardContent({
  entityRef,
  target,
}: {
  entityRef: string;
  target: CreateTarget;
}) {
  const state = useEnvironments(entityRef);
  // Keep is an action like Sync: checked once for the entity, not per row.
  const { allowed: canAct } = usePermission({
    permission: blueberryEnvironmentSyncPermission,
    resourceRef: entityRef,
  });
  const [expanded, setExpanded] = useState(false);
  const { response } = state;
  const now = useMemo(() => new Date(), [response]); // eslint-disable-line react-hooks/exhaustive-deps
  const sorted = useMemo(
    () => sortByAttention(response?.items ?? [], now),
    [response, now],
  );

  const drawn = useDrawnRows(expanded, sorted.length);

  const placeholder = environmentsPlaceholder(state, target);
  if (placeholder)
    return <InfoCard title="Environments">{placeholder}</InfoCard>;

  const needAttention = sorted.filter(e => attentionRank(e, now) === 0).length;
  const shown = sorted.slice(0, drawn);
  const subheader = [
    `${sorted.length} environment${sorted.length === 1 ? '' : 's'}`,
    needAttention > 0
      ? `${needAttention} need${needAttention === 1 ? 's' : ''} attention`
      : undefined,
    state.live ? 'live' : 'refreshing every 30 s',
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <InfoCard title="Environments" subheader={subheader} noPadding>
      <StaleBanner response={response!} error={state.error} now={now} />
      <Table size="small" aria-label="Environments">
        <TableHead>
          <TableRow>
            <TableCell>Environment</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Waves</TableCell>
            <TableCell>Expiry</TableCell>
            <TableCell>Links</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(environment => (
            <EnvironmentRow
              key={environmentId(environment)}
              environment={environment}
              now={now}
              onKept={canAct ? state.refetch : undefined}
            />
          ))}
        </TableBody>
      </Table>
      {sorted.length > COLLAPSED_ROWS && (
        <Button
          size="small"
          onClick={() => setExpanded(!expanded)}
          aria-expanded={expanded}
        >
          {expanded ? 'Show fewer' : `Show all ${sorted.length} environments`}
        </Button>
      )}
    </InfoCard>
  );
}
