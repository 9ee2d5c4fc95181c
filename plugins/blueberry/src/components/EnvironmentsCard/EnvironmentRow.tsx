import {
  Environment,
  safeHttpUrl,
  safeHttpUrls,
} from '@blueberry-idp/plugin-blueberry-common';
import { Link } from '@backstage/core-components';
import { makeStyles, Theme } from '@material-ui/core/styles';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import AccessTime from '@material-ui/icons/AccessTime';
import DeleteOutline from '@material-ui/icons/DeleteOutline';
import WarningOutlined from '@material-ui/icons/ReportProblemOutlined';
import { memo } from 'react';
import { deletionOf } from '../../logic/deletion';
import { expiryOf } from '../../logic/expiry';
import { HeadAhead, RunningCommit } from '../RunningCommit';
import { HealthStatusLabel, StatusText, SyncStatusLabel } from '../StatusLabel';
import { WaveStrip } from '../WaveStrip';
import { KeepButton } from './KeepButton';

const useStyles = makeStyles((theme: Theme) => ({
  cell: { padding: theme.spacing(0.5, 1), verticalAlign: 'middle' },
  name: { fontWeight: theme.typography.fontWeightMedium as number },
  stack: { display: 'flex', flexDirection: 'column', gap: 2 },
  links: { display: 'flex', flexWrap: 'wrap', columnGap: theme.spacing(1) },
}));

/** Where an environment expires; a warning within a day. */
export function ExpiryLabel(props: { expiresAt: string | null; now: Date }) {
  const expiry = expiryOf(props.expiresAt, props.now);
  if (!expiry) {
    return <Typography variant="caption">never</Typography>;
  }
  const text = expiry.expired
    ? `expired ${expiry.relative}`
    : `expires ${expiry.relative}`;
  return expiry.soon ? (
    <StatusText
      icon={WarningOutlined}
      tone="warning"
      text={text}
      title={expiry.at.toISOString()}
    />
  ) : (
    <StatusText
      icon={AccessTime}
      tone="neutral"
      text={text}
      title={expiry.at.toISOString()}
    />
  );
}

/**
 * Argo CD deleting an environment whose directory left the GitOps repository: what is left, and a
 * warning when it takes too long (a finalizer that never completes keeps resources running).
 */
export function DeletionLabel(props: { environment: Environment; now: Date }) {
  const deletion = deletionOf(props.environment, props.now);
  if (!deletion) return null;
  const left = `${deletion.remaining} resource${
    deletion.remaining === 1 ? '' : 's'
  } left`;
  return deletion.stuck ? (
    <StatusText
      icon={WarningOutlined}
      tone="error"
      text={`Deletion stuck since ${deletion.relative}: ${left}`}
      title={`Argo CD began deleting it at ${deletion.since.toISOString()}`}
    />
  ) : (
    <StatusText
      icon={DeleteOutline}
      tone="warning"
      text={`Deleting: ${left}`}
      title={`Argo CD began deleting it at ${deletion.since.toISOString()}`}
    />
  );
}

/**
 * The links of an environment: its preview URLs, its merge request and (unless `commit` is false)
 * the commit it runs, Argo CD. Only http(s) URLs become links, whatever the backend sends: chart
 * authors write Argo CD's externalURLs, and a `javascript:` href makes core-components' Link throw
 * (the whole card fails for every viewer).
 */
export function EnvironmentLinks({
  environment,
  commit = true,
}: {
  environment: Environment;
  commit?: boolean;
}) {
  const classes = useStyles();
  const mergeRequestUrl = safeHttpUrl(environment.mergeRequestUrl);
  const argocdUrl = safeHttpUrl(environment.argocdUrl);
  return (
    <span className={classes.links}>
      {safeHttpUrls(environment.urls).map(url => (
        <Link key={url} to={url} aria-label={`Preview ${url}`}>
          {url.replace(/^https?:\/\//, '')}
        </Link>
      ))}
      {mergeRequestUrl && <Link to={mergeRequestUrl}>Merge request</Link>}
      {commit && <RunningCommit environment={environment} />}
      {argocdUrl && (
        <Link to={argocdUrl} aria-label={`Open ${environment.name} in Argo CD`}>
          Argo CD
        </Link>
      )}
    </span>
  );
}

interface EnvironmentRowProps {
  environment: Environment;
  now: Date;
  /** Set for those allowed to act on the entity's environments: Keep on rows that expire. */
  onKept?: () => void;
}

/** What a row shows of an environment, as a string to compare: all but `observedAt`. */
const shownKeys = new WeakMap<Environment, string>();
function shownOf(environment: Environment): string {
  let key = shownKeys.get(environment);
  if (key === undefined) {
    const { observedAt: _notShown, ...shown } = environment;
    key = JSON.stringify(shown);
    shownKeys.set(environment, key);
  }
  return key;
}

/** What a row shows of `now`: the expiry label, and a deletion's age. */
function timeShown({ environment, now }: EnvironmentRowProps): string {
  const expiry = expiryOf(environment.expiresAt, now);
  const deletion = deletionOf(environment, now);
  return `${expiry ? `${expiry.relative} ${expiry.soon}` : 'never'} ${
    deletion ? `${deletion.relative} ${deletion.stuck}` : ''
  }`;
}

/**
 * One environment in the card: a compact row, so fifty stay readable. Memoised on what it shows: every
 * refetch brings new objects, a new `now` and, while Argo CD is connected, a new `observedAt` on every
 * environment, yet a change to one of 200 environments should render one row, not 200.
 */
export const EnvironmentRow = memo(
  EnvironmentRowContent,
  (previous, next) =>
    shownOf(previous.environment) === shownOf(next.environment) &&
    timeShown(previous) === timeShown(next) &&
    previous.onKept === next.onKept,
);

function EnvironmentRowContent(props: EnvironmentRowProps) {
  const classes = useStyles();
  const { environment, now, onKept } = props;
  return (
    <TableRow data-testid={`environment-${environment.name}`}>
      <TableCell className={classes.cell}>
        <span className={classes.name}>{environment.name}</span>
      </TableCell>
      <TableCell className={classes.cell}>
        <span className={classes.stack}>
          <HealthStatusLabel health={environment.health} />
          <SyncStatusLabel sync={environment.sync} />
          <DeletionLabel environment={environment} now={now} />
        </span>
      </TableCell>
      <TableCell className={classes.cell}>
        <WaveStrip environment={environment} />
      </TableCell>
      <TableCell className={classes.cell}>
        <span className={classes.stack}>
          <ExpiryLabel expiresAt={environment.expiresAt} now={now} />
          {onKept && environment.expiresAt && (
            <KeepButton
              environmentKey={{
                instance: environment.instance,
                name: environment.name,
              }}
              onDone={onKept}
            />
          )}
        </span>
      </TableCell>
      <TableCell className={classes.cell}>
        <span className={classes.stack}>
          <EnvironmentLinks environment={environment} />
          <HeadAhead environment={environment} compact />
        </span>
      </TableCell>
    </TableRow>
  );
}
