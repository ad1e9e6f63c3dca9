import { Type, type TSchema, type Static } from 'typebox';

/** Every string field has a bound: an unbounded string is how a 1 MB payload reaches the database. */
export const Str = (maxLength: number, opts: { minLength?: number; pattern?: string; description?: string } = {}) =>
  Type.String({ maxLength, ...opts });

/** A value or JSON null (rather than an absent field), for columns that are empty until something happens. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const PageQuery = {
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
};

/** One page of a list, as every list route answers. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

/** Standard error responses, so OpenAPI documents them on every route. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
};

export type Uuid = Static<typeof Uuid>;
export type IdParams = Static<typeof IdParams>;
export type ErrorBody = Static<typeof ErrorBody>;
