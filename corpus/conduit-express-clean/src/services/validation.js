const { ValidationError } = require('./errors');

// A rule takes a field's value and returns an error message, or null when the value is acceptable.

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const isText = (value) => typeof value === 'string' && value.trim() !== '';

const required = (value) => (isText(value) ? null : "can't be blank");
const text = (value) => (typeof value === 'string' ? null : 'must be a string');
const emailAddress = (value) => required(value) ?? (EMAIL.test(value) ? null : 'is invalid');
const textList = (value) =>
  Array.isArray(value) && value.every(isText) ? null : 'must be a list of non-blank strings';
const optional = (rule) => (value) => (value === undefined ? null : rule(value));

/** For query-string numbers: a whole number no smaller than `min`. */
const wholeNumber = (min) => (value) =>
  /^\d+$/.test(String(value)) && Number(value) >= min ? null : `must be an integer >= ${min}`;

/**
 * Checks every field of `input` against its rule and throws one ValidationError listing all
 * failures. Returns the input, as an object even when the request sent none.
 */
function validate(input, rules) {
  const source = input !== null && typeof input === 'object' ? input : {};
  const errors = {};
  for (const [field, rule] of Object.entries(rules)) {
    const message = rule(source[field]);
    if (message) errors[field] = [message];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return source;
}

/** The fields of `source` named in `fields` that are present. */
function pickDefined(source, fields) {
  return Object.fromEntries(
    fields.filter((field) => source[field] !== undefined).map((field) => [field, source[field]]),
  );
}

module.exports = {
  validate,
  pickDefined,
  required,
  text,
  emailAddress,
  textList,
  optional,
  wholeNumber,
};
