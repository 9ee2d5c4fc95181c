import {
  ENVIRONMENT_TYPES,
  HEALTH_ORDER,
  HealthStatus,
} from '@blueberry-idp/plugin-blueberry-common';
import MenuItem from '@material-ui/core/MenuItem';
import { makeStyles, Theme } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import { EnvironmentFilter } from '../../logic/filters';

const useStyles = makeStyles((theme: Theme) => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  select: { minWidth: 160 },
}));

/** Type, health and name filters for the Argo CD tab. */
export function EnvironmentFilters(props: {
  value: EnvironmentFilter;
  onChange: (filter: EnvironmentFilter) => void;
}) {
  const classes = useStyles();
  const { value, onChange } = props;
  return (
    <div
      className={classes.filters}
      role="search"
      aria-label="Filter environments"
    >
      <TextField
        className={classes.select}
        select
        label="Type"
        value={value.type}
        onChange={e => onChange({ ...value, type: e.target.value })}
        SelectProps={{ SelectDisplayProps: { 'aria-label': 'Type' } as any }}
      >
        <MenuItem value="">All types</MenuItem>
        {ENVIRONMENT_TYPES.map(type => (
          <MenuItem key={type} value={type}>
            {type}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        className={classes.select}
        select
        label="Health"
        value={value.health}
        onChange={e =>
          onChange({ ...value, health: e.target.value as HealthStatus | '' })
        }
        SelectProps={{ SelectDisplayProps: { 'aria-label': 'Health' } as any }}
      >
        <MenuItem value="">All health</MenuItem>
        {HEALTH_ORDER.map(health => (
          <MenuItem key={health} value={health}>
            {health}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        label="Name"
        placeholder="environment, component or resource"
        value={value.text}
        onChange={e => onChange({ ...value, text: e.target.value })}
        inputProps={{ 'aria-label': 'Name' }}
      />
    </div>
  );
}
