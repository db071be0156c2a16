/**
 * Domain errors. Each carries `errors`, a map of field → messages; the web layer
 * chooses the HTTP status from the error's class.
 */
class DomainError extends Error {
  constructor(errors) {
    super(
      Object.entries(errors)
        .map(([field, messages]) => `${field} ${messages.join(', ')}`)
        .join('; '),
    );
    this.name = new.target.name;
    this.errors = errors;
  }
}

class ValidationError extends DomainError {}

class UnauthorizedError extends DomainError {}

class ForbiddenError extends DomainError {}

class NotFoundError extends DomainError {
  constructor(resource) {
    super({ [resource]: ['not found'] });
  }
}

module.exports = { ValidationError, UnauthorizedError, ForbiddenError, NotFoundError };
