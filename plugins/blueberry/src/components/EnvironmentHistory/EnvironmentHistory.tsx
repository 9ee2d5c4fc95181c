import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  blueberryEnvironmentRollbackPermission,
  EnvironmentChange,
  EnvironmentHistoryItem,
} from '@blueberry-idp/plugin-blueberry-common';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import ExpandMore from '@material-ui/icons/ExpandMore';
import History from '@material-ui/icons/History';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useEffect, useState } from 'react';
import { blueberryApiRef, EnvironmentKey } from '../../api';
import { relativeTime } from '../../logic/expiry';
import { DiffView } from '../DiffView';

const PAGE_SIZE = 20;

const useStyles = makeStyles((theme: Theme) => ({
  summary: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  mono: { fontFamily: 'monospace' },
  path: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
  details: { display: 'block', overflow: 'hidden' },
}));

const short = (revision: string) => revision.slice(0, 7);
/** The backend's own message (why it refused), not just "Request failed with 409". */
const reasonOf = (error: Error) =>
  (error as Partial<ResponseError>).body?.error?.message ?? error.message;
const subject = (message: string) => message.split('\n')[0];

/** The page of history the tab shows, and the older pages asked for since. */
function useHistoryPages(key: EnvironmentKey, version: unknown) {
  const api = useApi(blueberryApiRef);
  const [items, setItems] = useState<EnvironmentHistoryItem[]>();
  const [nextCursor, setNextCursor] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error>();

  const { instance, name } = key;
  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      try {
        const page = await api.getEnvironmentHistory(
          { instance, name },
          {
            limit: PAGE_SIZE,
            cursor,
          },
        );
        setItems(previous =>
          cursor ? [...(previous ?? []), ...page.items] : page.items,
        );
        setNextCursor(page.nextCursor);
        setError(undefined);
      } catch (e) {
        setError(e as Error);
      } finally {
        setLoading(false);
      }
    },
    [api, instance, name],
  );
  // The newest page again whenever the environment changed (a signal, a rollback).
  useEffect(() => {
    load();
  }, [load, version]);
  return {
    items,
    nextCursor,
    loading,
    error,
    reload: () => load(),
    loadOlder: () => load(nextCursor),
  };
}

function HistoryEntry(props: {
  item: EnvironmentHistoryItem;
  now: Date;
  canRollBack: boolean;
  busy: boolean;
  onRollBack: (item: EnvironmentHistoryItem) => void;
}) {
  const classes = useStyles();
  const { item, now } = props;
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary
        expandIcon={<ExpandMore />}
        aria-label={`Change ${short(item.revision)}`}
      >
        <div className={classes.summary}>
          <span className={classes.mono} title={item.revision}>
            {short(item.revision)}
          </span>
          <Typography variant="body2" component="span">
            {subject(item.message)}
          </Typography>
          <Typography variant="caption" color="textSecondary" component="span">
            {item.author}, {relativeTime(new Date(item.committedAt), now)}
          </Typography>
          {item.current && (
            <Chip size="small" color="primary" label="Deployed now" />
          )}
          {!item.current && item.deployedAt && (
            <Typography variant="caption" component="span">
              deployed {relativeTime(new Date(item.deployedAt), now)}
            </Typography>
          )}
        </div>
      </AccordionSummary>
      <AccordionDetails className={classes.details}>
        {item.reason && (
          <Typography variant="body2">Why: {item.reason}</Typography>
        )}
        {item.changeUrl && (
          <Typography variant="body2">
            <Link to={item.changeUrl}>The change on the Git host</Link>
          </Typography>
        )}
        <Typography variant="body2" component="div">
          {item.files.map(f => (
            <div key={f.path} className={classes.path}>
              {f.change}{' '}
              {f.previousPath ? `${f.previousPath} → ${f.path}` : f.path}
            </div>
          ))}
        </Typography>
        <DiffView diff={item.diff} label={`Diff of ${short(item.revision)}`} />
        {item.diffTruncated && (
          <Typography variant="caption">
            The diff is cut here; the GitOps repository has all of it.
          </Typography>
        )}
        {props.canRollBack && !item.current && (
          <div>
            <Button
              size="small"
              variant="outlined"
              startIcon={<History />}
              disabled={props.busy}
              onClick={() => props.onRollBack(item)}
            >
              Roll back to this
            </Button>
          </div>
        )}
      </AccordionDetails>
    </Accordion>
  );
}

function ChangeResult({ change }: { change: EnvironmentChange }) {
  if (change.kind === 'merge-request') {
    return (
      <Alert severity="success">
        Rollback proposed:{' '}
        {change.url ? (
          <Link to={change.url}>its merge request</Link>
        ) : (
          'a merge request'
        )}
        ; merging it deploys the old version.
      </Alert>
    );
  }
  return (
    <Alert severity="success">
      Rolled back by commit{' '}
      <span title={change.revision}>{short(change.revision ?? '')}</span>; Argo
      CD deploys it next.
    </Alert>
  );
}

/**
 * An environment's history from the GitOps repository, newest first: who changed what and why,
 * the diff on expand, which change Argo CD deployed; and, for those allowed
 * `blueberry.environment.rollback`, "Roll back to this" (one change restoring the folder).
 */
export function EnvironmentHistory(props: {
  entityRef: string;
  environmentKey: EnvironmentKey;
  /** Anything that changes when the environment changes (the list response). */
  version: unknown;
  onChanged: () => void;
}) {
  const { entityRef, environmentKey, version, onChanged } = props;
  const api = useApi(blueberryApiRef);
  const history = useHistoryPages(environmentKey, version);
  const { allowed } = usePermission({
    permission: blueberryEnvironmentRollbackPermission,
    resourceRef: entityRef,
  });
  const [confirming, setConfirming] = useState<EnvironmentHistoryItem>();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<EnvironmentChange>();
  const [failure, setFailure] = useState<Error>();
  const now = new Date();

  const rollBack = async (item: EnvironmentHistoryItem) => {
    setConfirming(undefined);
    setRunning(true);
    setResult(undefined);
    setFailure(undefined);
    try {
      const { change } = await api.rollbackEnvironment(
        environmentKey,
        item.revision,
      );
      setResult(change);
      history.reload();
      onChanged();
    } catch (e) {
      setFailure(e as Error);
    } finally {
      setRunning(false);
    }
  };

  const later = confirming
    ? (history.items ?? []).findIndex(i => i.revision === confirming.revision)
    : 0;
  return (
    <InfoCard
      title="History"
      subheader={`Changes of ${environmentKey.name} in the GitOps repository, newest first`}
    >
      <div role="region" aria-label={`History of ${environmentKey.name}`}>
        {running && (
          <Typography variant="body2" role="status">
            <CircularProgress size={14} /> Rolling back…
          </Typography>
        )}
        {result && <ChangeResult change={result} />}
        {failure && (
          <Alert severity="error">
            Could not roll back: {reasonOf(failure)}
          </Alert>
        )}
        {history.error && <ResponseErrorPanel error={history.error} />}
        {!history.items && history.loading && <Progress />}
        {history.items?.length === 0 && (
          <Typography variant="body2">
            No change of this environment in the GitOps repository.
          </Typography>
        )}
        {history.items?.map(item => (
          <HistoryEntry
            key={item.revision}
            item={item}
            now={now}
            canRollBack={allowed}
            busy={running}
            onRollBack={setConfirming}
          />
        ))}
        {history.nextCursor && (
          <Button
            size="small"
            disabled={history.loading}
            onClick={history.loadOlder}
          >
            Show older changes
          </Button>
        )}
      </div>
      <Dialog
        open={Boolean(confirming)}
        onClose={() => setConfirming(undefined)}
        aria-labelledby="blueberry-rollback-title"
      >
        <DialogTitle id="blueberry-rollback-title">
          Roll back {environmentKey.name} to{' '}
          {confirming && short(confirming.revision)}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            One change restores environments/{environmentKey.name}/ to exactly
            its files at {confirming && short(confirming.revision)} (“
            {confirming && subject(confirming.message)}”), undoing the{' '}
            {later > 0 ? later : 'later'} change{later === 1 ? '' : 's'} after
            it. Argo CD then deploys it; the commit says you asked.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(undefined)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            onClick={() => confirming && rollBack(confirming)}
          >
            Roll back
          </Button>
        </DialogActions>
      </Dialog>
    </InfoCard>
  );
}
