/**
 * Domain errors: services throw these and never HTTP or transport errors; one handler maps them to responses.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(what: string, details?: unknown) {
    super('NOT_FOUND', 404, `${what} not found`, details);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', 409, message, details);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'You do not have permission to do this', details?: unknown) {
    super('FORBIDDEN', 403, message, details);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Authentication required', details?: unknown) {
    super('UNAUTHORIZED', 401, message, details);
  }
}

export class Invalid extends DomainError {
  constructor(field: string, message: string) {
    super('VALIDATION', 400, `${field}: ${message}`, [{ field, message }]);
  }
}

/** A system we depend on (a Git server, an SSH host) failed; the message says which and why, without secrets. */
export class BadGateway extends DomainError {
  constructor(message: string, details?: unknown) {
    super('BAD_GATEWAY', 502, message, details);
  }
}
