/** One operation of an OpenAPI document: `GET`, `/api/v1/tasks`, its operation object. */
export interface OpenApiOperation<Op = Record<string, any>> {
  /** Upper case: GET, POST, PUT, PATCH, DELETE. */
  method: string;
  path: string;
  /** `${method} ${path}`, for messages. */
  label: string;
  op: Op;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document's `paths` (the path item's other keys left out). */
export function operationsOf<Op = Record<string, any>>(doc: {
  paths?: object;
}): Array<OpenApiOperation<Op>> {
  return Object.entries((doc.paths ?? {}) as Record<string, object>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        label: `${method.toUpperCase()} ${path}`,
        op: op as Op,
      })),
  );
}
