import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { useMemo, useState, useTransition } from 'react';
import { useEnvironments } from '../../hooks';
import {
  attentionRank,
  environmentId,
  sortByAttention,
} from '../../logic/attention';
import { isBlueberryAvailable } from '../../isBlueberryAvailable';
import {
  environmentsPlaceholder,
  MissingBlueberryAnnotation,
  StaleBanner,
} from '../EnvironmentStates';
import { EnvironmentRow } from './EnvironmentRow';

/** Rows shown before "Show all": what needs attention sorts first, so it is always in view. */
export const COLLAPSED_ROWS = 10;

/** The environments of the current entity: health, sync, waves, expiry and links, live. */
export function EnvironmentsCard() {
  const { entity } = useEntity();
  if (!isBlueberryAvailable(entity)) return <MissingBlueberryAnnotation />;
  return <EnvironmentsCardContent entityRef={stringifyEntityRef(entity)} />;
}

function EnvironmentsCardContent({ entityRef }: { entityRef: string }) {
  const state = useEnvironments(entityRef);
  const [expanded, setExpanded] = useState(false);
  // Showing 200 rows at once is a long render: as a transition it yields to the browser between rows.
  const [expanding, startExpanding] = useTransition();
  const { response } = state;
  const now = useMemo(() => new Date(), [response]); // eslint-disable-line react-hooks/exhaustive-deps
  const sorted = useMemo(
    () => sortByAttention(response?.items ?? [], now),
    [response, now],
  );

  const placeholder = environmentsPlaceholder(state);
  if (placeholder)
    return <InfoCard title="Environments">{placeholder}</InfoCard>;

  const needAttention = sorted.filter(e => attentionRank(e, now) === 0).length;
  const shown = expanded ? sorted : sorted.slice(0, COLLAPSED_ROWS);
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
            />
          ))}
        </TableBody>
      </Table>
      {sorted.length > COLLAPSED_ROWS && (
        <Button
          size="small"
          onClick={() => startExpanding(() => setExpanded(!expanded))}
          aria-expanded={expanded}
          disabled={expanding}
        >
          {expanded ? 'Show fewer' : `Show all ${sorted.length} environments`}
        </Button>
      )}
    </InfoCard>
  );
}
