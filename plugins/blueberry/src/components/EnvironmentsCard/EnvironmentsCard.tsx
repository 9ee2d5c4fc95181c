import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { blueberryApiRef } from '../../api';

/** The environments of the current entity, with their health and sync. */
export function EnvironmentsCard() {
  const { entity } = useEntity();
  const api = useApi(blueberryApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getEnvironments(entityRef),
    [api, entityRef],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const items = value?.items ?? [];
  return (
    <InfoCard title="Environments">
      {items.length === 0 ? (
        <Typography>No environments yet.</Typography>
      ) : (
        items.map(environment => (
          <Typography key={`${environment.instance}/${environment.name}`}>
            {environment.name}: {environment.health}, {environment.sync}
          </Typography>
        ))
      )}
    </InfoCard>
  );
}
