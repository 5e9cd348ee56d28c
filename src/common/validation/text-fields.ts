import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength, ValidateBy, ValidationOptions, isISO8601 } from 'class-validator';
import { trimmed } from './transforms';
import { isCleanDisplayName, isPlainText, normalizeDisplayName } from './text-normalization';

/**
 * One decorator per kind of field, used by every DTO that has that field, so
 * a rule cannot differ between two endpoints (a name refused at registration
 * and accepted by PATCH /me). Each one validates only; the OpenAPI text stays
 * with the DTO's own @ApiProperty.
 */

export const DISPLAY_NAME_MIN = 2;
export const DISPLAY_NAME_MAX = 40;
export const BIO_MAX = 500;
export const NOTE_MAX = 1000;
export const REASON_MAX = 1000;

export function IsPlainText(options: { multiline: boolean }, validation?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPlainText',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isPlainText(value, options),
        defaultMessage: (args) =>
          options.multiline
            ? `${args?.property ?? 'text'} must not contain NUL, control characters other than newline and tab, or unpaired surrogates`
            : `${args?.property ?? 'text'} must not contain NUL, control characters or unpaired surrogates`,
      },
    },
    validation,
  );
}

/** A single line of text, `min`–`max` characters after trimming: titles, headlines, reasons. */
export function LineOfTextField(min: number, max: number): PropertyDecorator {
  return applyDecorators(Transform(trimmed), IsString(), Length(min, max), IsPlainText({ multiline: false }));
}

/** Multi-line text (newline and tab allowed) of at most `max` characters, kept as written: bios, notes, appeal bodies. */
export function MultilineTextField(min: number, max: number): PropertyDecorator {
  return applyDecorators(IsString(), Length(min, max), IsPlainText({ multiline: true }));
}

/**
 * Display names: NFKC first (so look-alike full-width forms become the plain
 * name they imitate and collide with it), then 2–40 characters with no
 * control, format, bidi or private-use character. Refused rather than
 * stripped: silently changing a chosen name would surprise its owner.
 */
export function DisplayNameField(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeDisplayName(value) : value)),
    IsString(),
    Length(DISPLAY_NAME_MIN, DISPLAY_NAME_MAX),
    ValidateBy({
      name: 'isCleanDisplayName',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCleanDisplayName(value),
        defaultMessage: (args) => `${args?.property ?? 'name'} must not contain control, format (zero-width, soft hyphen) or bidi characters`,
      },
    }),
  );
}

/** An address for a new account or a receipt: trimmed, a valid e-mail, at most 254 characters. */
export function EmailField(): PropertyDecorator {
  return applyDecorators(
    Transform(trimmed),
    IsString(),
    IsEmail({}, { message: ({ property }) => `${property} must be a valid email address` }),
    MaxLength(254),
    IsPlainText({ multiline: false }),
  );
}

/** An address typed to sign in: any text up to 254 characters (a wrong one is a 401, not a 400). */
export function LoginEmailField(): PropertyDecorator {
  return applyDecorators(Transform(trimmed), IsString(), Length(1, 254), IsPlainText({ multiline: false }));
}

/**
 * `YYYY-MM-DD`, optionally with a time that carries its offset (`Z` or
 * `±HH:MM`): ISO-8601 also allows week dates (`2026-W01`), ordinal dates and
 * the basic format (`20270101`), which `Date` cannot parse, and a time without
 * an offset, which `Date` reads in the server's zone.
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export function isIsoDateTime(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    ISO_DATE_TIME.test(value) &&
    // The strict check refuses calendar impossibilities (2026-02-30) that Date would roll over.
    isISO8601(value, { strict: true, strictSeparator: true }) &&
    Number.isFinite(Date.parse(value))
  );
}

export function IsoDateTimeField(): PropertyDecorator {
  return ValidateBy({
    name: 'isIsoDateTime',
    validator: {
      validate: isIsoDateTime,
      defaultMessage: (args) => `${args?.property ?? 'date'} must be an ISO-8601 date-time such as 2026-01-31T12:00:00Z`,
    },
  });
}

/** The CMS's own article ids: 1–128 characters of A-Z a-z 0-9 . _ : - */
export const ARTICLE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function ArticleIdField(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    IsString(options),
    Matches(ARTICLE_ID_PATTERN, {
      ...options,
      message: ({ property }) => `${options?.each ? 'each id' : property} must be 1–128 characters of A-Z a-z 0-9 . _ : -`,
    }),
  );
}
