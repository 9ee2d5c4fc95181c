import type { ServerResponse } from 'node:http';

/** gRPC codes Argo CD's gateway puts in error bodies, by HTTP status. */
const GRPC_CODES: Record<number, number> = {
  400: 3, // InvalidArgument (FailedPrecondition 9 also maps to 400; callers pass it explicitly)
  401: 16, // Unauthenticated
  403: 7, // PermissionDenied
  404: 5, // NotFound
  409: 6, // AlreadyExists
  429: 8, // ResourceExhausted
  499: 1, // Canceled
  500: 13, // Internal
  501: 12, // Unimplemented
  502: 14, // Unavailable
  503: 14, // Unavailable
  504: 4, // DeadlineExceeded
};

/** Argo CD's error body (`runtimeError`): `{error, code, message}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  grpcCode = GRPC_CODES[status] ?? 2,
): void {
  const body = JSON.stringify({ error: message, code: grpcCode, message });
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  };
  if (status === 429) headers['Retry-After'] = 1;
  res.writeHead(status, headers);
  res.end(body);
}

export function httpErrorText(status: number): string {
  switch (status) {
    case 429:
      return 'too many requests: the stand-in is throttling on purpose';
    case 500:
      return 'internal error injected by the stand-in';
    case 502:
      return 'bad gateway injected by the stand-in';
    case 503:
      return 'service unavailable: injected by the stand-in';
    case 504:
      return 'deadline exceeded: injected by the stand-in';
    default:
      return `error ${status} injected by the stand-in`;
  }
}
