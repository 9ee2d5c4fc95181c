import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import {
  signalsServiceRef,
  SignalPayload,
} from '@backstage/plugin-signals-node';

/**
 * Every log line a backend wrote, with its metadata, so tests can search them (for tokens, say).
 *
 * @public
 */
export class LogRecorder implements RootLoggerService {
  readonly lines: string[];
  readonly #meta: Record<string, unknown>;

  constructor(lines: string[] = [], meta: Record<string, unknown> = {}) {
    this.lines = lines;
    this.#meta = meta;
  }

  error(message: string, meta?: Error | object): void {
    this.#record('error', message, meta);
  }
  warn(message: string, meta?: Error | object): void {
    this.#record('warn', message, meta);
  }
  info(message: string, meta?: Error | object): void {
    this.#record('info', message, meta);
  }
  debug(message: string, meta?: Error | object): void {
    this.#record('debug', message, meta);
  }
  child(meta: object): LoggerService {
    return new LogRecorder(this.lines, { ...this.#meta, ...meta });
  }

  #record(level: string, message: string, meta?: Error | object) {
    const extra =
      meta instanceof Error
        ? `${meta.message} ${meta.stack}`
        : JSON.stringify(meta ?? {});
    this.lines.push(
      `${level} ${message} ${JSON.stringify(this.#meta)} ${extra}`,
    );
  }

  factory() {
    return createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => this,
    });
  }
}

/**
 * Records published signals instead of sending them over the events bus.
 *
 * @public
 */
export class SignalRecorder {
  readonly published: Array<SignalPayload & { at: number }> = [];

  factory() {
    return createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({
        publish: async (signal: SignalPayload) => {
          this.published.push({ ...signal, at: Date.now() });
        },
      }),
    });
  }
}
