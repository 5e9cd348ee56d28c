import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PaymentsConfiguredGuard, WebhooksConfiguredGuard } from '../../donations/payments-configured.guard';
import { ERROR_CODES, ErrorCode } from '../errors/error-codes';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem-details';
import { OPERATION_ERRORS } from './operation-errors';
import { RouteFacts } from './route-facts';

export const PROBLEM_SCHEMA = 'ProblemView';

const READ_METHODS = new Set(['get', 'head', 'options']);

/** Guards that answer with their own codes whatever the handler does. */
const GUARD_ERRORS: ReadonlyArray<[unknown, readonly ErrorCode[]]> = [
  [PaymentsConfiguredGuard, ['PAYMENTS_NOT_CONFIGURED']],
  [WebhooksConfiguredGuard, ['PAYMENTS_NOT_CONFIGURED']],
];

/**
 * Every code an operation can answer, from what the global guards, the body
 * parser and the validation pipe do to any route like it, plus its own rules
 * from OPERATION_ERRORS.
 */
export function errorCodesFor(operationId: string, method: string, operation: OperationObject, facts: RouteFacts): Set<ErrorCode> {
  const codes = new Set<ErrorCode>(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE']);
  const parameters = (operation.parameters ?? []) as Array<{ in: string; name: string }>;
  if (operation.requestBody) {
    ['VALIDATION_FAILED', 'INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'].forEach((code) => codes.add(code as ErrorCode));
  }
  if (parameters.length > 0) codes.add('VALIDATION_FAILED');
  if (parameters.some((parameter) => parameter.in === 'query' && parameter.name === 'cursor')) codes.add('INVALID_CURSOR');
  if (!facts.isPublic) codes.add('UNAUTHENTICATED');
  if (facts.roles.length > 0) codes.add('FORBIDDEN');
  // A ban ends every staff power, reads included.
  if (facts.roles.length > 0 && !facts.roles.includes('reader')) codes.add('ACCOUNT_BANNED');
  // The access guard refuses writes by a suspended or banned reader, on public routes too when a token is sent;
  // a write is what the handler is marked as (an unmarked non-GET route counts as one), as the guard decides.
  if (!READ_METHODS.has(method) && !facts.readOnly && !facts.allowsSanctioned) {
    codes.add('ACCOUNT_SUSPENDED');
    codes.add('ACCOUNT_BANNED');
  }
  if (facts.throttled) codes.add('RATE_LIMITED');
  for (const [guard, guardCodes] of GUARD_ERRORS) if (facts.guards.includes(guard)) guardCodes.forEach((code) => codes.add(code));
  for (const code of OPERATION_ERRORS[operationId] ?? []) codes.add(code);
  return codes;
}

function problemResponse(codes: ErrorCode[]): ResponseObject {
  const response: ResponseObject = {
    description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].title}`).join('; '),
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: {
          allOf: [
            { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` },
            { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } },
          ],
        },
      },
    },
  };
  if (codes.includes('RATE_LIMITED')) {
    response.headers = {
      'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer', minimum: 0 } },
    };
  }
  return response;
}

/** One problem+json response per status, its `code` an enum of what that status can carry here. */
export function problemResponsesFor(codes: Set<ErrorCode>): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes].sort()) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus.entries()].map(([status, statusCodes]) => [String(status), problemResponse(statusCodes)]));
}
