import * as z from '../../../kernel/zod.js';

/** `error` of a JD Cloud envelope (Java `ServiceError`); `code` is usually the HTTP status. */
export const apiErrorSchema = z.object({
  code: z.optional(z.union([z.number(), z.string()])),
  status: z.optional(z.string()),
  message: z.optional(z.string()),
  details: z.optional(z.array(z.unknown())),
});

/**
 * Every JD Cloud OpenAPI response body (docs/reference/jdcloud-api.md §1.11):
 * success `{"requestId":"69db…","result":{…}}`, failure `{"requestId":"bbf8…","error":{"status":"ACCESS_ERROR","code":401,"message":"…"}}`.
 * Go's structs also show `error: {code:0,status:"",message:""}` on success, so an `error` counts only when it says something.
 */
export const envelopeSchema = z.object({
  requestId: z.optional(z.string()),
  result: z.optional(z.unknown()),
  error: z.optional(z.nullable(apiErrorSchema)),
});

export type Envelope = z.infer<typeof envelopeSchema>;
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** True when the envelope's `error` reports a failure: a non-zero code or a non-empty status. */
export function reportsFailure(error: ApiErrorBody | null | undefined): error is ApiErrorBody {
  if (error === null || error === undefined) return false;
  return (error.status !== undefined && error.status !== '') || (error.code !== undefined && Number(error.code) !== 0);
}

/** Zod issues as `path: message; path: message`, so a parse failure says where. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`).join('; ');
}
