import type { Environment } from '@blueberry-idp/plugin-blueberry-common';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Autorenew from '@material-ui/icons/Autorenew';
import CheckCircle from '@material-ui/icons/CheckCircle';
import Error from '@material-ui/icons/Error';
import Schedule from '@material-ui/icons/Schedule';
import { waveProgress, WaveProgress, WaveState } from '../../logic/waves';

const useStyles = makeStyles((theme: Theme) => ({
  strip: {
    display: 'inline-flex',
    gap: 2,
    margin: 0,
    padding: 0,
    listStyle: 'none',
    alignItems: 'center',
  },
  wave: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: 2,
    padding: '0 4px',
    borderRadius: 4,
    fontSize: '0.75rem',
    fontVariantNumeric: 'tabular-nums',
    border: '2px solid transparent',
  },
  current: {
    borderColor: theme.palette.info.main,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  icon: { fontSize: '1rem' },
  done: { color: theme.palette.success.main },
  running: { color: theme.palette.info.main },
  waiting: { color: theme.palette.text.secondary },
  failed: { color: theme.palette.error.main },
}));

const ICONS: Record<WaveState, typeof CheckCircle> = {
  done: CheckCircle,
  running: Autorenew,
  waiting: Schedule,
  failed: Error,
};

function describe(wave: WaveProgress): string {
  const parts = [`Wave ${wave.wave} (${wave.title}): ${wave.state}`];
  if (wave.current) parts.push('current');
  if (wave.note) parts.push(wave.note);
  return parts.join(', ');
}

/**
 * The sync waves of an environment as a progress strip: one mark per wave, each done, running,
 * waiting or failed (icon, number and, for screen readers and tooltips, the words), the wave of the
 * running sync outlined. Exposed as a progressbar: value = waves done. The words show on hover as
 * the browser's own tooltip (`title`): a card of 200 environments draws 800 waves, and a MUI Tooltip
 * around each would be 800 more components to render on every change.
 */
export function WaveStrip({ environment }: { environment: Environment }) {
  const classes = useStyles();
  const waves = waveProgress(environment);
  const done = waves.filter(w => w.state === 'done').length;
  const current = waves.find(w => w.current);
  const valueText = current
    ? `${done} of ${waves.length} waves done, wave ${current.wave} ${current.state}`
    : `${done} of ${waves.length} waves done`;
  return (
    <span
      role="progressbar"
      aria-label={`Sync waves of ${environment.name}`}
      aria-valuemin={0}
      aria-valuemax={waves.length}
      aria-valuenow={done}
      aria-valuetext={valueText}
    >
      <ul className={classes.strip}>
        {waves.map(wave => {
          const Icon = ICONS[wave.state];
          const label = describe(wave);
          return (
            <li
              key={wave.wave}
              aria-label={label}
              title={label}
              data-state={wave.state}
              className={`${classes.wave} ${classes[wave.state]} ${
                wave.current ? classes.current : ''
              }`}
            >
              <Icon className={classes.icon} aria-hidden="true" />
              {wave.wave}
            </li>
          );
        })}
      </ul>
    </span>
  );
}
