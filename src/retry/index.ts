export {
  backoffDelay,
  decideRetry,
  formatDelay,
  isErrorClass,
  jitter,
  retryOptionsFrom,
  validateRetryOptions,
  type ErrorClass,
  type RetryDecision,
  type RetryOptions,
  type RetryOptionsInput,
  type RetryValidationContext,
} from "./retry-policy.js";
