import {
  BLUEBERRY_APP_ANNOTATION,
  BLUEBERRY_BLUEPRINT_ANNOTATION,
  EnvironmentsResponse,
} from '@blueberry-idp/plugin-blueberry-common';
import {
  EmptyState,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import Alert from '@material-ui/lab/Alert';
import { ReactElement } from 'react';
import { EnvironmentsState } from '../../hooks';
import { relativeTime } from '../../logic/expiry';

/** Where the "Create environment" template lives in the app. */
export const CREATE_ENVIRONMENT_PATH =
  '/create/templates/default/create-environment';

/** The entity names no environments: say which annotation links it to them. */
export function MissingBlueberryAnnotation() {
  return <MissingAnnotationEmptyState annotation={BLUEBERRY_APP_ANNOTATION} />;
}

/** Whom "Create environment" is for: the entity, and whether its blueprint says what to deploy. */
export interface CreateTarget {
  entityRef: string;
  /** The entity has a `blueberry.io/blueprint`: the form's components start empty. */
  hasBlueprint: boolean;
}

/**
 * The "Create environment" template with the entity filled in (the scaffolder's `formData`); for an
 * entity with a blueprint the components start empty, so the blueprint gives them.
 */
export function createEnvironmentLink(target?: CreateTarget): string {
  if (!target) return CREATE_ENVIRONMENT_PATH;
  const formData = {
    entity: target.entityRef,
    ...(target.hasBlueprint ? { components: [] } : {}),
  };
  return `${CREATE_ENVIRONMENT_PATH}?formData=${encodeURIComponent(
    JSON.stringify(formData),
  )}`;
}

/** The create target of an entity. */
export function createTargetOf(entity: Entity): CreateTarget {
  return {
    entityRef: stringifyEntityRef(entity),
    hasBlueprint: Boolean(
      entity.metadata.annotations?.[BLUEBERRY_BLUEPRINT_ANNOTATION],
    ),
  };
}

/** The entity has no environment yet: offer the template that makes one, for this entity. */
export function NoEnvironments(props: { target?: CreateTarget } = {}) {
  return (
    <EmptyState
      missing="data"
      title="No environments yet"
      description="Every merge request can have its own environment. Create one from the template; it appears here as soon as Argo CD picks it up."
      action={
        <LinkButton
          color="primary"
          variant="contained"
          to={createEnvironmentLink(props.target)}
        >
          Create environment
        </LinkButton>
      }
    />
  );
}

/**
 * The states before there is anything to show: loading, a failed first fetch, no environments.
 * Returns undefined once there are environments to show.
 */
export function environmentsPlaceholder(
  state: EnvironmentsState,
  target?: CreateTarget,
): ReactElement | undefined {
  if (state.loading) return <Progress />;
  if (!state.response) {
    return state.error ? (
      <ResponseErrorPanel error={state.error} />
    ) : (
      <Progress />
    );
  }
  if (state.response.items.length === 0) {
    return (
      <>
        <StaleBanner response={state.response} error={state.error} />
        <NoEnvironments target={target} />
      </>
    );
  }
  return undefined;
}

/**
 * Says plainly when what is shown may be out of date: an Argo CD instance did not answer (its
 * environments are served from memory, marked stale), or the last refetch failed.
 */
export function StaleBanner(props: {
  response: EnvironmentsResponse;
  error?: Error;
  now?: Date;
}) {
  const { response, error, now = new Date() } = props;
  const stale = response.items.filter(item => item.stale);
  if (response.errors.length === 0 && stale.length === 0 && !error) return null;
  const oldest = stale
    .map(item => new Date(item.observedAt))
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return (
    <Alert severity="warning" role="alert">
      {response.errors.map(({ instance, message }) => (
        <div key={instance}>
          Argo CD instance <strong>{instance}</strong> is unreachable: {message}
        </div>
      ))}
      {stale.length > 0 && (
        <div>
          {stale.length} environment{stale.length === 1 ? ' is' : 's are'} shown
          as last seen
          {oldest ? ` ${relativeTime(oldest, now)}` : ''} and may be out of
          date.
        </div>
      )}
      {error && <div>Could not refresh: {error.message}</div>}
    </Alert>
  );
}
