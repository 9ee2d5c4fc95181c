import { commitUrl, Environment } from '@blueberry-idp/plugin-blueberry-common';
import { Link } from '@backstage/core-components';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Autorenew from '@material-ui/icons/Autorenew';
import WarningOutlined from '@material-ui/icons/ReportProblemOutlined';

const useStyles = makeStyles((theme: Theme) => ({
  ahead: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(0.5),
  },
  failed: { color: theme.palette.warning.dark },
  moving: { color: theme.palette.info.main },
  icon: { fontSize: '1.1em', flexShrink: 0, marginTop: 1 },
  // A row of the card stays one line high; the whole reason is in the title and the details panel.
  compact: {
    maxWidth: 360,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
}));

/** A short SHA, linked to the commit in the merge request's repository where we can. */
function CommitLink(props: {
  sha: string;
  mergeRequestUrl?: string | null;
  label: string;
}) {
  const short = props.sha.slice(0, 7);
  const url = commitUrl(props.mergeRequestUrl, props.sha);
  return url ? (
    <Link to={url} aria-label={props.label}>
      {short}
    </Link>
  ) : (
    <>{short}</>
  );
}

/** "running abc1234": the application commit the environment runs, linked to it where we can. */
export function RunningCommit({ environment }: { environment: Environment }) {
  const { commit } = environment;
  if (!commit) return null;
  return (
    <Typography variant="caption" component="span" title={commit}>
      running{' '}
      <CommitLink
        sha={commit}
        mergeRequestUrl={environment.mergeRequestUrl}
        label={`Commit ${commit.slice(0, 7)} that ${environment.name} runs`}
      />
    </Typography>
  );
}

/**
 * "head def5678 is ahead: <why>": the merge request has a newer head than the commit the
 * environment runs, and why it is not on it (the push could not be followed, say an image not in
 * the registry yet), or that it is on its way. Nothing when it runs the head or records no commit.
 */
export function HeadAhead(props: {
  environment: Environment;
  /** One line, cut with an ellipsis (the card's rows); the full reason stays in the title. */
  compact?: boolean;
}) {
  const classes = useStyles();
  const { environment, compact } = props;
  const { ahead, commit } = environment;
  if (!ahead || !commit || ahead.sha === commit) return null;
  const why = ahead.failure ?? 'being deployed';
  const Icon = ahead.failure ? WarningOutlined : Autorenew;
  return (
    <Typography
      variant="caption"
      component="span"
      role="status"
      className={`${classes.ahead} ${
        ahead.failure ? classes.failed : classes.moving
      }`}
      title={`The merge request's head ${ahead.sha} is ahead of ${commit}, which ${environment.name} runs: ${why}`}
    >
      <Icon className={classes.icon} aria-hidden="true" />
      <span className={compact ? classes.compact : undefined}>
        head{' '}
        <CommitLink
          sha={ahead.sha}
          mergeRequestUrl={environment.mergeRequestUrl}
          label={`Head ${ahead.sha.slice(0, 7)} of the merge request of ${
            environment.name
          }`}
        />{' '}
        is ahead: {why}
      </span>
    </Typography>
  );
}
