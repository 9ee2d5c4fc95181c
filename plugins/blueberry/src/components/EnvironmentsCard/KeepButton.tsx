import Button from '@material-ui/core/Button';
import Schedule from '@material-ui/icons/Schedule';
import { EnvironmentKey } from '../../api';
import { useEnvironmentActions } from '../../hooks';

/**
 * Keep on a card row: moves an expiring environment's end out by the backend's keep extension. The
 * expiry warning sends its owner to this row (the environment's own entity page shows the card).
 */
export function KeepButton(props: {
  environmentKey: EnvironmentKey;
  onDone: () => void;
}) {
  const { run, running } = useEnvironmentActions(
    props.environmentKey,
    props.onDone,
  );
  return (
    <Button
      size="small"
      variant="outlined"
      startIcon={<Schedule />}
      disabled={Boolean(running)}
      onClick={() => run('keep')}
    >
      Keep
    </Button>
  );
}
