import type { ErrorCode } from '@mgm/protocol';

/** A short title for an error code; the controller's message gives the detail. */
export function errorTitle(code: ErrorCode): string {
  switch (code) {
    case 'NO_WORKER':
      return 'No worker is serving this model';
    case 'MODEL_NOT_FOUND':
      return 'This model is not available';
    case 'IMAGE_INVALID':
    case 'IMAGE_TOO_LARGE':
      return 'The image was rejected';
    case 'IMAGE_NOT_FOUND':
      return 'The image has expired; attach it again';
    case 'PROMPT_TOO_LONG':
      return 'The conversation is too long for this model';
    case 'JOB_NOT_FOUND':
      return 'This answer is no longer available';
    case 'PAYLOAD_TOO_LARGE':
      return 'The request is too large';
    case 'WORKER_FAILED':
      return 'The worker failed';
    case 'BAD_REQUEST':
      return 'The request was not accepted';
    case 'CANCELLED':
      return 'Stopped';
    case 'UNAUTHORIZED':
      return 'Not authorised';
    case 'RATE_LIMITED':
      return 'Too many requests: wait a moment';
    case 'UNAVAILABLE':
      return 'The service is briefly unavailable';
    case 'STREAM_LOST':
      return 'The answer was lost; ask again';
    default:
      return 'Something went wrong';
  }
}
