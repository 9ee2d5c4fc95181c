import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  DriftedResource,
  EnvironmentDriftResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import ExpandMore from '@material-ui/icons/ExpandMore';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import { blueberryApiRef, EnvironmentKey } from '../../api';
import { DiffView } from '../DiffView';

const useStyles = makeStyles({
  details: { display: 'block', overflow: 'hidden' },
  name: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
});

const resourceLabel = (r: DriftedResource) =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/**
 * What of the environment differs from Git in the cluster, each resource's diff on expand. Read-only:
 * Git is the truth, so the way back is self-heal or a sync, and the way forward a change in Git.
 */
export function EnvironmentDrift(props: {
  environmentKey: EnvironmentKey;
  /** Changes when the environment does (sync status, revision), so the drift is read again. */
  version: unknown;
}) {
  const { environmentKey, version } = props;
  const { instance, name } = environmentKey;
  const api = useApi(blueberryApiRef);
  const classes = useStyles();
  const [state, setState] = useState<{
    drift?: EnvironmentDriftResponse;
    error?: Error;
  }>({});

  useEffect(() => {
    let current = true;
    api.getEnvironmentDrift({ instance, name }).then(
      drift => current && setState({ drift }),
      error => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [api, instance, name, version]);

  const { drift, error } = state;
  return (
    <section aria-label={`Drift of ${name}`}>
      <Typography variant="subtitle2">Drift from Git</Typography>
      {error && (
        <Alert severity="warning">
          Could not read the drift: {error.message}
        </Alert>
      )}
      {!drift && !error && <Progress />}
      {drift && drift.items.length === 0 && (
        <Typography variant="body2">None: the cluster matches Git.</Typography>
      )}
      {drift && drift.items.length > 0 && (
        <>
          <Typography variant="body2" paragraph>
            {drift.selfHeal
              ? 'Self-heal is on: Argo CD puts these resources back to what Git says on its own. ' +
                'To keep a change, make it in Git.'
              : 'Self-heal is off: these resources stay as they are until the environment is synced, ' +
                'which puts them back to what Git says. To keep a change, make it in Git.'}
          </Typography>
          {drift.items.map(resource => {
            const label = resourceLabel(resource);
            return (
              <Accordion
                key={`${resource.group}/${label}`}
                TransitionProps={{ unmountOnExit: true }}
              >
                <AccordionSummary
                  expandIcon={<ExpandMore />}
                  aria-label={`Drift of ${label}`}
                >
                  <span className={classes.name}>{label}</span>
                </AccordionSummary>
                <AccordionDetails className={classes.details}>
                  <DiffView diff={resource.diff} label={`Diff of ${label}`} />
                </AccordionDetails>
              </Accordion>
            );
          })}
        </>
      )}
    </section>
  );
}
