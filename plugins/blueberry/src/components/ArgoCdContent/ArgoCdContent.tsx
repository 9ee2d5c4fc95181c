import { stringifyEntityRef } from '@backstage/catalog-model';
import { Content, ContentHeader } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { EnvironmentKey } from '../../api';
import { useEnvironmentDetail, useEnvironments } from '../../hooks';
import { sortByAttention } from '../../logic/attention';
import {
  EnvironmentFilter,
  filterEnvironments,
  NO_FILTER,
} from '../../logic/filters';
import { isBlueberryAvailable } from '../../isBlueberryAvailable';
import { EnvironmentDetails } from '../EnvironmentDetails';
import { EnvironmentFilters } from '../EnvironmentFilters';
import { EnvironmentHistory } from '../EnvironmentHistory';
import { EnvironmentGraph } from '../EnvironmentGraph';
import {
  createTargetOf,
  CreateTarget,
  environmentsPlaceholder,
  MissingBlueberryAnnotation,
  StaleBanner,
} from '../EnvironmentStates';
import { EnvironmentTable } from '../EnvironmentTable';
import { HealthStatusLabel, SyncStatusLabel } from '../StatusLabel';

/** The entity page's "Argo CD" tab: the whole environment tree, filters, details and actions. */
export function ArgoCdContent() {
  const { entity } = useEntity();
  if (!isBlueberryAvailable(entity)) {
    return (
      <Content>
        <MissingBlueberryAnnotation />
      </Content>
    );
  }
  return (
    <ArgoCdTree
      entityRef={stringifyEntityRef(entity)}
      target={createTargetOf(entity)}
    />
  );
}

type View = 'graph' | 'table';

function ArgoCdTree({
  entityRef,
  target,
}: {
  entityRef: string;
  target: CreateTarget;
}) {
  const state = useEnvironments(entityRef);
  const { response } = state;
  const [filter, setFilter] = useState<EnvironmentFilter>(NO_FILTER);
  const [view, setView] = useState<View>('graph');
  const [selected, setSelected] = useState<EnvironmentKey>();
  const environments = useMemo(
    () =>
      filterEnvironments(
        sortByAttention(response?.items ?? [], new Date()),
        filter,
      ),
    [response, filter],
  );
  // Fetched once for both the graph (which draws its pods and replica sets) and the detail panel;
  // `response` as the version refetches it whenever a signal refetches the list.
  const detail = useEnvironmentDetail(selected, response);

  const placeholder = environmentsPlaceholder(state, target);
  if (placeholder) return <Content>{placeholder}</Content>;

  const root = response!.root;
  return (
    <Content>
      <ContentHeader title="Environments in Argo CD">
        <Typography variant="body2" component="span">
          {state.live ? 'Live' : 'Refreshing every 30 s'}
        </Typography>
      </ContentHeader>
      <StaleBanner response={response!} error={state.error} />
      {root && (
        <Typography variant="body2" component="div" gutterBottom>
          Root application <strong>{root.application}</strong> on{' '}
          {root.instance}: <HealthStatusLabel health={root.health} />{' '}
          <SyncStatusLabel sync={root.sync} />
        </Typography>
      )}
      <EnvironmentFilters value={filter} onChange={setFilter} />
      <Grid container spacing={2}>
        <Grid item xs={12} md={selected ? 8 : 12}>
          <Paper>
            <Tabs
              value={view}
              onChange={(_, value: View) => setView(value)}
              indicatorColor="primary"
              aria-label="View"
            >
              <Tab value="graph" label="Tree" />
              <Tab value="table" label="Table" />
            </Tabs>
            {view === 'graph' ? (
              <EnvironmentGraph
                response={response!}
                environments={environments}
                selected={selected}
                detail={detail.environment}
                onSelect={setSelected}
              />
            ) : (
              <EnvironmentTable
                environments={environments}
                selected={selected}
                onSelect={setSelected}
              />
            )}
          </Paper>
        </Grid>
        {selected && (
          <Grid item xs={12} md={4}>
            <EnvironmentDetails
              entityRef={entityRef}
              environmentKey={selected}
              detail={detail}
              onChanged={state.refetch}
              onClose={() => setSelected(undefined)}
            />
            <EnvironmentHistory
              key={`${selected.instance}/${selected.name}`}
              entityRef={entityRef}
              environmentKey={selected}
              version={response}
              onChanged={state.refetch}
            />
          </Grid>
        )}
      </Grid>
    </Content>
  );
}
