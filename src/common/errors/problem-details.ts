import { ERROR_CODES, ErrorCode } from './error-codes';
import { FieldError } from './app-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

export function problemFor(code: ErrorCode, detail?: string, errors?: FieldError[]): ProblemDetails {
  const { status, title } = ERROR_CODES[code];
  const problem: ProblemDetails = {
    type: `https://margin.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail: detail ?? title,
    code,
  };
  if (errors && errors.length > 0) problem.errors = errors;
  return problem;
}

const GENERIC_CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export function genericCodeForStatus(status: number): ErrorCode {
  return GENERIC_CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
}
