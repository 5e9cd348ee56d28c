/**
 * Readable, stable operationIds (`comments.listThread`, `admin.comments.hide`)
 * from the controller and handler names, so a generated client reads like the API.
 * The namespace is the controller's name without `Controller` (and without a
 * leading `Admin`); every operation under `/admin` is prefixed `admin.`.
 */
export const OPERATION_ID_PATTERN = /^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)+$/;

/** Handler names that do not read as what the operation does, from a client's side. */
const RENAMED_HANDLERS: Record<string, string> = {
  'comments.post': 'comments.create',
  'follows.feedOf': 'follows.feed',
  'admin.comments.queuePage': 'admin.comments.queue',
  'admin.auditLog.page': 'admin.auditLog.list',
};

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function operationIdFor(controllerName: string, handlerName: string, path: string): string {
  const namespace = lowerFirst(controllerName.replace(/Controller$/, '').replace(/^Admin(?=[A-Z])/, ''));
  const admin = /^\/api\/v1\/admin(\/|$)/.test(path) ? 'admin.' : '';
  const id = `${admin}${namespace}.${handlerName}`;
  return RENAMED_HANDLERS[id] ?? id;
}
