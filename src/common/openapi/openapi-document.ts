import { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { applyValidationRules, makeNumbersIntegers, pathParameterSchema, queryParameterSchemaLookup } from './input-schemas';
import { operationIdFor } from './operation-ids';
import { errorCodesFor, problemResponsesFor } from './problem-responses';
import { ProblemView } from './problem.view';
import { routeFactsOf } from './route-facts';

export const BEARER_SCHEME = 'bearer';
export const CMS_KEY_SCHEME = 'cms-api-key';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function baseDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Margin API')
    .setDescription(
      'Comments, follows, moderation and Stripe donations beside a newsroom\'s articles. ' +
        'Errors are application/problem+json with a stable `code`; lists are keyset-paginated with `limit` and `cursor`. ' +
        'The guide is docs/API.md in the repository.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative, so the document is the same on every instance and a client uses the origin it was loaded from.
    .addServer('/', 'The Margin instance serving this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /auth/register, /auth/login or /auth/refresh' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'CMS_API_KEY, accepted in place of an admin token where an operation lists it' }, CMS_KEY_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemView] });
}

/** Nest names an operation `Controller_handler`; this finds the class behind each name. */
function controllersByName(app: INestApplication): Map<string, Type> {
  const controllers = new Map<string, Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) controllers.set(wrapper.metatype.name, wrapper.metatype as Type);
    }
  }
  return controllers;
}

function argumentTypeOf(controller: Type, handler: string, kind: RouteParamtypes): Type | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, { index: number }>;
  const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(kind));
  const types = Reflect.getMetadata('design:paramtypes', controller.prototype as object, handler) as Type[] | undefined;
  return entry && types ? types[entry[1].index] : undefined;
}

function refineOperation(document: OpenAPIObject, path: string, method: string, operation: OperationObject, controllers: Map<string, Type>): void {
  const [controllerName, handlerName] = (operation.operationId ?? '').split('_');
  const controller = controllers.get(controllerName);
  if (!controller || !handlerName) throw new Error(`OpenAPI: no controller behind ${method.toUpperCase()} ${path}`);
  const facts = routeFactsOf(controller, handlerName);
  operation.operationId = operationIdFor(controllerName, handlerName, path);

  if (facts.isPublic) operation.security = facts.readsViewer ? [{}, { [BEARER_SCHEME]: [] }] : [];
  if (facts.readsViewer) {
    operation.description = [operation.description, 'Works without a token; with one, the answer is as that reader sees it.'].filter(Boolean).join(' ');
  }

  const parameters = (operation.parameters ?? []) as ParameterObject[];
  for (const parameter of parameters) {
    if (parameter.in === 'path') parameter.schema = { ...(parameter.schema as SchemaObject), ...pathParameterSchema(path, parameter.name) };
  }
  const query = argumentTypeOf(controller, handlerName, RouteParamtypes.QUERY);
  if (query) applyValidationRules(query, queryParameterSchemaLookup(parameters));
  const body = argumentTypeOf(controller, handlerName, RouteParamtypes.BODY);
  const bodySchema = body ? (document.components?.schemas?.[body.name] as SchemaObject | undefined) : undefined;
  if (body && bodySchema) applyValidationRules(body, (property) => bodySchema.properties?.[property] as SchemaObject | undefined);

  const errors = problemResponsesFor(errorCodesFor(operation.operationId, method, operation, facts));
  const successes = Object.fromEntries(Object.entries(operation.responses).filter(([status]) => /^[23]/.test(status)));
  operation.responses = { ...successes, ...errors };
}

/**
 * The document Nest builds from the decorators, made good enough to generate a
 * client from: readable operationIds, optional bearer security where a token
 * changes the answer, every problem+json response with its codes, integer
 * types and id patterns. The same function serves /docs-json and writes openapi.json.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = baseDocument(app);
  const controllers = controllersByName(app);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation) refineOperation(document, path, method, operation, controllers);
    }
  }
  makeNumbersIntegers(document.components);
  makeNumbersIntegers(document.paths);
  return document;
}
