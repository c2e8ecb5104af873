import { z } from 'zod';

/** Name of the httpOnly cookie that carries an admin session id. */
export const ADMIN_SESSION_COOKIE = 'mgm_admin';

/** An admin token is a long random secret: short ones are refused at startup. */
export const ADMIN_TOKEN_MIN_LENGTH = 16;

/** `POST /api/admin/login` body. */
export const adminLoginSchema = z.object({ token: z.string().min(1).max(512) }).strict();
export type AdminLogin = z.infer<typeof adminLoginSchema>;

/** `GET /api/admin/session` and `POST /api/admin/login` answer. */
export const adminSessionResponseSchema = z.object({
  ok: z.literal(true),
  /** How the request was authorised. */
  via: z.enum(['bearer', 'session']),
  /** Epoch ms when the session ends (null for a bearer token). */
  expiresAt: z.number().int().nullable(),
});
export type AdminSessionResponse = z.infer<typeof adminSessionResponseSchema>;
