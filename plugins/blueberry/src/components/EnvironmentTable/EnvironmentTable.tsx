import type { Environment } from '@blueberry-idp/plugin-blueberry-common';
import { WAVE_PLAN } from '@blueberry-idp/plugin-blueberry-common';
import IconButton from '@material-ui/core/IconButton';
import Link from '@material-ui/core/Link';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import KeyboardArrowDown from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowRight from '@material-ui/icons/KeyboardArrowRight';
import { Fragment, useState } from 'react';
import { EnvironmentKey } from '../../api';
import { environmentId } from '../../logic/attention';
import { environmentType } from '../../logic/filters';
import { HealthStatusLabel, SyncStatusLabel } from '../StatusLabel';
import { WaveStrip } from '../WaveStrip';

const useStyles = makeStyles((theme: Theme) => ({
  selected: { backgroundColor: theme.palette.action.selected },
  waveRow: { backgroundColor: theme.palette.background.default },
  indent: { paddingLeft: theme.spacing(6) },
  message: { color: theme.palette.text.secondary, maxWidth: 420 },
}));

/** The waves and resources of one environment, as rows under it. */
function ResourceRows({ environment }: { environment: Environment }) {
  const classes = useStyles();
  return (
    <>
      {environment.waves.map(wave => (
        <Fragment key={wave.wave}>
          <TableRow className={classes.waveRow}>
            <TableCell className={classes.indent} colSpan={2}>
              Wave {wave.wave}
              {WAVE_PLAN.find(s => s.wave === wave.wave)
                ? ` · ${WAVE_PLAN.find(s => s.wave === wave.wave)!.title}`
                : ''}
            </TableCell>
            <TableCell>
              <HealthStatusLabel health={wave.health} />
            </TableCell>
            <TableCell>
              <SyncStatusLabel sync={wave.sync} />
            </TableCell>
            <TableCell />
          </TableRow>
          {wave.resources.map(r => (
            <TableRow
              key={`${r.group}/${r.kind}/${r.namespace}/${r.name}`}
              aria-label={`${environment.name} ${r.kind} ${r.name}`}
            >
              <TableCell className={classes.indent}>
                {r.kind} {r.name}
              </TableCell>
              <TableCell>{r.component ?? ''}</TableCell>
              <TableCell>
                <HealthStatusLabel health={r.health} />
              </TableCell>
              <TableCell>
                <SyncStatusLabel sync={r.sync} />
              </TableCell>
              <TableCell className={classes.message}>
                {r.message ?? ''}
              </TableCell>
            </TableRow>
          ))}
        </Fragment>
      ))}
    </>
  );
}

/**
 * The environment tree as a table: one row per environment (type, health, sync, waves); expanded,
 * its resources grouped by wave with Argo CD's messages.
 */
export function EnvironmentTable(props: {
  environments: Environment[];
  selected?: EnvironmentKey;
  onSelect: (key: EnvironmentKey) => void;
}) {
  const classes = useStyles();
  const { environments, selected, onSelect } = props;
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setExpanded(previous => {
      const next = new Set(previous);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Table size="small" aria-label="Environment tree">
      <TableHead>
        <TableRow>
          <TableCell>Environment / resource</TableCell>
          <TableCell>Type / component</TableCell>
          <TableCell>Health</TableCell>
          <TableCell>Sync</TableCell>
          <TableCell>Waves / message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {environments.length === 0 && (
          <TableRow>
            <TableCell colSpan={5}>
              No environment matches the filters.
            </TableCell>
          </TableRow>
        )}
        {environments.map(environment => {
          const id = environmentId(environment);
          const open = expanded.has(id);
          const isSelected = selected && environmentId(selected) === id;
          return (
            <Fragment key={id}>
              <TableRow
                className={isSelected ? classes.selected : undefined}
                aria-selected={Boolean(isSelected)}
                data-testid={`tree-row-${environment.name}`}
              >
                <TableCell>
                  <IconButton
                    size="small"
                    aria-expanded={open}
                    aria-label={`${open ? 'Collapse' : 'Expand'} ${
                      environment.name
                    }`}
                    onClick={() => toggle(id)}
                  >
                    {open ? <KeyboardArrowDown /> : <KeyboardArrowRight />}
                  </IconButton>
                  <Link
                    component="button"
                    variant="body2"
                    onClick={() =>
                      onSelect({
                        instance: environment.instance,
                        name: environment.name,
                      })
                    }
                  >
                    {environment.name}
                  </Link>
                </TableCell>
                <TableCell>{environmentType(environment) ?? ''}</TableCell>
                <TableCell>
                  <HealthStatusLabel health={environment.health} />
                </TableCell>
                <TableCell>
                  <SyncStatusLabel sync={environment.sync} />
                </TableCell>
                <TableCell>
                  <WaveStrip environment={environment} />
                </TableCell>
              </TableRow>
              {open && <ResourceRows environment={environment} />}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}
