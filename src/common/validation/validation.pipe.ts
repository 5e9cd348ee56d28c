import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from '../errors/app-error';
import { isStorableText } from './text-normalization';

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, '$1 is not an allowed field'),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * The first place in a body, query or path value holding text PostgreSQL
 * cannot store (a NUL or an unpaired surrogate), in a key or a value. Every
 * field's own decorator refuses it too; this catches the fields that take any
 * text (passwords, free-form objects stored as JSON), so no such string
 * reaches a query whatever a DTO forgets.
 */
function unstorableTextIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (!isStorableText(key)) return here;
    const found = unstorableTextIn(item, here);
    if (found) return found;
  }
  return null;
}

class EdgeValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const field = unstorableTextIn(value, metadata.type === 'param' || metadata.type === 'query' ? (metadata.data ?? '') : '');
      if (field !== null) {
        const message = `${field || metadata.type} must not contain NUL or unpaired surrogates`;
        throw new AppError('VALIDATION_FAILED', message, [{ field: field || metadata.type, message }]);
      }
    }
    return super.transform(value, metadata);
  }
}

/** Whitelists DTO fields, rejects unknown ones and unstorable text, and reports every bad field as VALIDATION_FAILED. */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      const detail = fieldErrors.map((error) => error.message).join('; ') || 'The request is not valid';
      return new AppError('VALIDATION_FAILED', detail, fieldErrors);
    },
  });
}
