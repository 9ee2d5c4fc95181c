import type { Environment } from '@blueberry-idp/plugin-blueberry-common';
import { Link } from '@backstage/core-components';
import { makeStyles, Theme } from '@material-ui/core/styles';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import AccessTime from '@material-ui/icons/AccessTime';
import WarningOutlined from '@material-ui/icons/ReportProblemOutlined';
import { expiryOf } from '../../logic/expiry';
import { HealthStatusLabel, StatusText, SyncStatusLabel } from '../StatusLabel';
import { WaveStrip } from '../WaveStrip';

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

/** The links of an environment: its preview URLs, its merge request, Argo CD. */
export function EnvironmentLinks({
  environment,
}: {
  environment: Environment;
}) {
  const classes = useStyles();
  return (
    <span className={classes.links}>
      {environment.urls.map(url => (
        <Link key={url} to={url} aria-label={`Preview ${url}`}>
          {url.replace(/^https?:\/\//, '')}
        </Link>
      ))}
      {environment.mergeRequestUrl && (
        <Link to={environment.mergeRequestUrl}>Merge request</Link>
      )}
      {environment.argocdUrl && (
        <Link
          to={environment.argocdUrl}
          aria-label={`Open ${environment.name} in Argo CD`}
        >
          Argo CD
        </Link>
      )}
    </span>
  );
}

/** One environment in the card: a compact row, so fifty stay readable. */
export function EnvironmentRow(props: { environment: Environment; now: Date }) {
  const classes = useStyles();
  const { environment, now } = props;
  return (
    <TableRow data-testid={`environment-${environment.name}`}>
      <TableCell className={classes.cell}>
        <span className={classes.name}>{environment.name}</span>
      </TableCell>
      <TableCell className={classes.cell}>
        <span className={classes.stack}>
          <HealthStatusLabel health={environment.health} />
          <SyncStatusLabel sync={environment.sync} />
        </span>
      </TableCell>
      <TableCell className={classes.cell}>
        <WaveStrip environment={environment} />
      </TableCell>
      <TableCell className={classes.cell}>
        <ExpiryLabel expiresAt={environment.expiresAt} now={now} />
      </TableCell>
      <TableCell className={classes.cell}>
        <EnvironmentLinks environment={environment} />
      </TableCell>
    </TableRow>
  );
}
