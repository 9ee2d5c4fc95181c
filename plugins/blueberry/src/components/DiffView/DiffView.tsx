import { makeStyles, Theme } from '@material-ui/core/styles';

const useStyles = makeStyles((theme: Theme) => ({
  diff: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    overflowX: 'auto',
    maxHeight: 400,
    background: theme.palette.background.default,
    padding: theme.spacing(1),
    margin: theme.spacing(1, 0),
  },
  added: { color: theme.palette.success.main },
  removed: { color: theme.palette.error.main },
}));

/** A unified diff, added lines green and removed ones red (the History and the drift show them). */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const classes = useStyles();
  return (
    <pre className={classes.diff} aria-label={label}>
      {diff.split('\n').map((line, i) => {
        let className: string | undefined;
        if (line.startsWith('+') && !line.startsWith('+++'))
          className = classes.added;
        if (line.startsWith('-') && !line.startsWith('---'))
          className = classes.removed;
        return (
          <div key={i} className={className}>
            {line || ' '}
          </div>
        );
      })}
    </pre>
  );
}
