import { Type } from '@nestjs/common';
import type { ParameterObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { getMetadataStorage } from 'class-validator';
import { APPEAL_ID_PATTERN, ARTICLE_ID_PATTERN } from '../../articles/dto/article.dto';
import { WEBHOOK_ID_PATTERN } from '../../webhooks/dto/webhook.dto';

/** Our own ids; `isUuid` accepts either case, and a JSON Schema pattern has no flags. */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * What a path parameter looks like: an article id is the CMS's own id, an
 * appeal id is a short slug, a webhook endpoint's id is the admin's choice, and every other id names one of our rows (a UUID).
 */
export function pathParameterSchema(path: string, name: string): SchemaObject {
  if (name === 'articleId') return { type: 'string', pattern: ARTICLE_ID_PATTERN.source };
  if (/\/appeals\/\{id\}/.test(path) && name === 'id') return { type: 'string', pattern: APPEAL_ID_PATTERN.source };
  if (/\/admin\/webhooks\/\{id\}/.test(path) && name === 'id') return { type: 'string', pattern: WEBHOOK_ID_PATTERN.source };
  return { type: 'string', format: 'uuid', pattern: UUID_PATTERN };
}

/**
 * Margin has no fractional numbers: counts, amounts in minor units, limits,
 * days and milliseconds are all whole. Nest writes every TypeScript `number`
 * as `type: number`; a property that truly is fractional says so with
 * `format: 'float'` or `'double'` and is left alone.
 */
export function makeNumbersIntegers(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(makeNumbersIntegers);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (schema.type === 'number' && schema.format !== 'float' && schema.format !== 'double') schema.type = 'integer';
  Object.values(schema).forEach(makeNumbersIntegers);
}

interface ValidationRule {
  propertyName: string;
  name?: string;
  each?: boolean;
  constraints?: unknown[];
}

function validationRulesOf(dto: Type): ValidationRule[] {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false) as unknown as ValidationRule[];
}

/**
 * The class-validator rules that a client can check before sending, copied
 * onto the DTO's schema when its `@ApiProperty` does not say them already:
 * `@Matches` becomes a `pattern`, `@IsUUID` a `format: uuid`.
 */
export function applyValidationRules(dto: Type, propertySchema: (property: string) => SchemaObject | undefined): void {
  for (const rule of validationRulesOf(dto)) {
    const schema = propertySchema(rule.propertyName);
    if (!schema) continue;
    const target = rule.each && schema.items ? (schema.items as SchemaObject) : schema;
    if (rule.name === 'matches' && rule.constraints?.[0] instanceof RegExp && !target.pattern) {
      target.pattern = rule.constraints[0].source;
    }
    if (rule.name === 'isUuid' && !target.format) target.format = 'uuid';
  }
}

export function queryParameterSchemaLookup(parameters: ParameterObject[]): (property: string) => SchemaObject | undefined {
  return (property) => parameters.find((parameter) => parameter.in === 'query' && parameter.name === property)?.schema as SchemaObject | undefined;
}
