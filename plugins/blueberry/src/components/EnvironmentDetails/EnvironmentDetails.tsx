import {
  blueberryEnvironmentSyncPermission,
  Environment,
  isUnwellHealth,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Refresh from '@material-ui/icons/Refresh';
import Schedule from '@material-ui/icons/Schedule';
import Sync from '@material-ui/icons/Sync';
import { EnvironmentKey } from '../../api';
import { useEnvironmentActions } from '../../hooks';
import { relativeTime } from '../../logic/expiry';
import { flattenResources } from '../../logic/tree';
import {
  DeletionLabel,
  EnvironmentLinks,
  ExpiryLabel,
} from '../EnvironmentsCard/EnvironmentRow';
import { EnvironmentDrift } from '../EnvironmentDrift';
import { HeadAhead, RunningCommit } from '../RunningCommit';
import { HealthStatusLabel, SyncStatusLabel } from '../StatusLabel';
import { WaveStrip } from '../WaveStrip';

const useStyles = makeStyles((theme: Theme) => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(1, 0, 2),
  },
  term: { color: theme.palette.text.secondary },
  actions: { display: 'flex', gap: theme.spacing(1) },
  mono: { fontFamily: 'monospace', wordBreak: 'break-all' },
  stack: { display: 'flex', flexDirection: 'column', gap: 2 },
}));

/**
 * Refresh, Sync and, for an environment that expires, Keep: only for those allowed
 * `blueberry.environment.sync` on the entity.
 */
function EnvironmentActions(props: {
  entityRef: string;
  environmentKey: EnvironmentKey;
  expiresAt: string | null;
  onDone: () => void;
}) {
  const classes = useStyles();
  const { allowed, loading } = usePermission({
    permission: blueberryEnvironmentSyncPermission,
    resourceRef: props.entityRef,
  });
  const { run, running } = useEnvironmentActions(
    props.environmentKey,
    props.onDone,
  );
  if (loading || !allowed) return null;
  return (
    <div className={classes.actions}>
      <Button
        size="small"
        variant="outlined"
        startIcon={<Refresh />}
        disabled={Boolean(running)}
        onClick={() => run('refresh')}
      >
        Refresh
      </Button>
      <Button
        size="small"
        variant="contained"
        color="primary"
        startIcon={<Sync />}
        disabled={Boolean(running)}
        onClick={() => run('sync')}
      >
        Sync
      </Button>
      {props.expiresAt && (
        <Button
          size="small"
          variant="outlined"
          startIcon={<Schedule />}
          disabled={Boolean(running)}
          onClick={() => run('keep')}
        >
          Keep
        </Button>
      )}
    </div>
  );
}

function Facts({ environment, now }: { environment: Environment; now: Date }) {
  const classes = useStyles();
  const images = [
    ...new Set(flattenResources(environment).flatMap(r => r.images ?? [])),
  ].sort();
  const rows: Array<[string, React.ReactNode]> = [
    ['Health', <HealthStatusLabel health={environment.health} />],
    ['Sync', <SyncStatusLabel sync={environment.sync} />],
    ['Waves', <WaveStrip environment={environment} />],
    [
      'Operation',
      environment.operation
        ? `${environment.operation.phase}${
            environment.operation.wave !== null
              ? ` (wave ${environment.operation.wave})`
              : ''
          }`
        : 'none',
    ],
    [
      'Revision',
      <span className={classes.mono} title={environment.revision ?? undefined}>
        {environment.revision ? environment.revision.slice(0, 7) : 'unknown'}
      </span>,
    ],
    [
      'Synced',
      environment.syncedAt
        ? relativeTime(new Date(environment.syncedAt), now)
        : 'never',
    ],
    ['Expiry', <ExpiryLabel expiresAt={environment.expiresAt} now={now} />],
    ...(environment.deletingSince
      ? [
          [
            'Deletion',
            <DeletionLabel environment={environment} now={now} />,
          ] as [string, React.ReactNode],
        ]
      : []),
    ['Instance', `${environment.instance} / ${environment.application}`],
    ['Links', <EnvironmentLinks environment={environment} commit={false} />],
    ...(environment.commit
      ? [
          [
            'Commit',
            <span className={classes.stack}>
              <RunningCommit environment={environment} />
              <HeadAhead environment={environment} />
            </span>,
          ] as [string, React.ReactNode],
        ]
      : []),
    [
      'Images',
      images.length ? (
        <span className={classes.mono}>
          {images.map(image => (
            <div key={image}>{image}</div>
          ))}
        </span>
      ) : (
        'none reported'
      ),
    ],
  ];
  return (
    <dl className={classes.facts}>
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt className={classes.term}>{term}</dt>
          <dd style={{ margin: 0 }}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * One environment in full: its facts, the Application's conditions, what fails and why (down to
 * the pods Argo CD's tree shows), its images, what drifted from Git, and Refresh / Sync for those
 * allowed.
 */
export function EnvironmentDetails(props: {
  entityRef: string;
  environmentKey: EnvironmentKey;
  /** The environment in full, from `useEnvironmentDetail`. */
  detail: { environment?: Environment; loading: boolean; error?: Error };
  onChanged: () => void;
  onClose: () => void;
}) {
  const { entityRef, environmentKey, detail, onChanged, onClose } = props;
  const { environment, loading, error } = detail;
  const now = new Date();
  const failing = environment
    ? flattenResources(environment).filter(r => isUnwellHealth(r.health))
    : [];

  return (
    <InfoCard
      title={environmentKey.name}
      subheader="Environment details"
      action={
        <Button size="small" onClick={onClose} aria-label="Close details">
          Close
        </Button>
      }
    >
      {error && <ResponseErrorPanel error={error} />}
      {!environment && loading && <Progress />}
      {environment && (
        <div aria-label={`Details of ${environment.name}`} role="region">
          <EnvironmentActions
            entityRef={entityRef}
            environmentKey={environmentKey}
            expiresAt={environment.expiresAt}
            onDone={onChanged}
          />
          <Facts environment={environment} now={now} />
          {(environment.conditions?.length ?? 0) > 0 && (
            <>
              <Typography variant="subtitle2">Conditions</Typography>
              <List dense>
                {environment.conditions!.map((c, i) => (
                  <ListItem key={i}>
                    <ListItemText primary={c.type} secondary={c.message} />
                  </ListItem>
                ))}
              </List>
            </>
          )}
          <Typography variant="subtitle2">Failing resources</Typography>
          {failing.length === 0 ? (
            <Typography variant="body2">None.</Typography>
          ) : (
            <List dense aria-label="Failing resources">
              {failing.map(r => (
                <ListItem key={`${r.group}/${r.kind}/${r.namespace}/${r.name}`}>
                  <ListItemText
                    primary={
                      <>
                        {r.kind} {r.name} —{' '}
                        <HealthStatusLabel health={r.health} />
                      </>
                    }
                    secondary={r.message ?? 'No message from Argo CD'}
                  />
                </ListItem>
              ))}
            </List>
          )}
          <EnvironmentDrift
            environmentKey={environmentKey}
            version={`${environment.sync} ${environment.revision} ${environment.syncedAt}`}
          />
        </div>
      )}
    </InfoCard>
  );
}
