import type {
  HealthStatus,
  SyncStatus,
} from '@blueberry-idp/plugin-blueberry-common';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { SvgIconProps } from '@material-ui/core/SvgIcon';
import Autorenew from '@material-ui/icons/Autorenew';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import ErrorOutline from '@material-ui/icons/ErrorOutline';
import HelpOutline from '@material-ui/icons/HelpOutline';
import PauseCircleOutline from '@material-ui/icons/PauseCircleOutline';
import RemoveCircleOutline from '@material-ui/icons/RemoveCircleOutline';
import Schedule from '@material-ui/icons/Schedule';
import SyncProblem from '@material-ui/icons/SyncProblem';
import { ComponentType } from 'react';

/** The tone of a status: its colour, always paired with an icon and a word. */
export type Tone = 'ok' | 'progress' | 'warning' | 'error' | 'neutral';

const useStyles = makeStyles((theme: Theme) => ({
  label: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  icon: { fontSize: '1.1em' },
  ok: { color: theme.palette.success.main },
  progress: { color: theme.palette.info.main },
  warning: { color: theme.palette.warning.dark },
  error: { color: theme.palette.error.main },
  neutral: { color: theme.palette.text.secondary },
}));

const HEALTH: Record<HealthStatus, [ComponentType<SvgIconProps>, Tone]> = {
  Healthy: [CheckCircleOutline, 'ok'],
  Suspended: [PauseCircleOutline, 'neutral'],
  Progressing: [Autorenew, 'progress'],
  Missing: [RemoveCircleOutline, 'warning'],
  Degraded: [ErrorOutline, 'error'],
  Unknown: [HelpOutline, 'neutral'],
};

const SYNC: Record<SyncStatus, [ComponentType<SvgIconProps>, Tone]> = {
  Synced: [CheckCircleOutline, 'ok'],
  OutOfSync: [SyncProblem, 'warning'],
  Unknown: [HelpOutline, 'neutral'],
};

/** An icon and a word in a tone: the building block of every status Blueberry shows. */
export function StatusText(props: {
  icon: ComponentType<SvgIconProps>;
  tone: Tone;
  text: string;
  title?: string;
}) {
  const classes = useStyles();
  const { icon: Icon, tone, text, title } = props;
  return (
    <span className={`${classes.label} ${classes[tone]}`} title={title}>
      <Icon className={classes.icon} aria-hidden="true" />
      <span>{text}</span>
    </span>
  );
}

/** An Argo CD health status. A resource without health (a ConfigMap) shows a dash. */
export function HealthStatusLabel({ health }: { health: HealthStatus | null }) {
  if (!health)
    return (
      <StatusText icon={Schedule} tone="neutral" text="—" title="No health" />
    );
  const [icon, tone] = HEALTH[health] ?? HEALTH.Unknown;
  return (
    <StatusText
      icon={icon}
      tone={tone}
      text={health}
      title={`Health: ${health}`}
    />
  );
}

/** An Argo CD sync status. */
export function SyncStatusLabel({ sync }: { sync: SyncStatus }) {
  const [icon, tone] = SYNC[sync] ?? SYNC.Unknown;
  return (
    <StatusText icon={icon} tone={tone} text={sync} title={`Sync: ${sync}`} />
  );
}
