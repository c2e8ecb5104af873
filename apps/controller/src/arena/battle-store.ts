import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  battleIdSchema,
  imageIdSchema,
  imageModeSchema,
  jobIdSchema,
  modelIdSchema,
  requestIdSchema,
  samplingParamsSchema,
  type RedisKeys,
} from '@mgm/protocol';

/** One question of a battle and the two jobs answering it (side a, side b). */
export const battleTurnSchema = z.object({
  question: z.string(),
  attempt: z.number().int().nonnegative(),
  requestId: requestIdSchema,
  jobs: z.tuple([jobIdSchema, jobIdSchema]),
});
export type BattleTurn = z.infer<typeof battleTurnSchema>;

/** An anonymous battle. It names its models, so it never leaves the controller before the vote. */
export const arenaBattleSchema = z.object({
  battleId: battleIdSchema,
  /** Side a, side b. */
  models: z.tuple([modelIdSchema, modelIdSchema]),
  displayNames: z.tuple([z.string(), z.string()]),
  imageId: imageIdSchema.nullable(),
  imageMode: imageModeSchema,
  params: samplingParamsSchema,
  turns: z.array(battleTurnSchema),
  createdAt: z.number().int().nonnegative(),
  voteId: z.string().nullable(),
});
export type ArenaBattle = z.infer<typeof arenaBattleSchema>;

export function arenaKeys(keys: RedisKeys) {
  return {
    /** String (JSON ArenaBattle) with the expiry of its jobs. */
    battle: (battleId: string) => `${keys.prefix}:arena:battle:${battleId}`,
    /** String set once (SET NX): the vote of the battle; a second vote finds it taken. */
    vote: (battleId: string) => `${keys.prefix}:arena:battle:${battleId}:vote`,
  };
}

/**
 * Battles in Redis (any controller can continue one), expiring with their jobs' frames. Changes
 * to one battle are serialised in this process; the vote is claimed atomically in Redis, so a
 * battle is voted on once even across controllers.
 */
export class BattleStore {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly names: ReturnType<typeof arenaKeys>;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
    private readonly ttlSeconds: number,
  ) {
    this.names = arenaKeys(keys);
  }

  async get(battleId: string): Promise<ArenaBattle | null> {
    const raw = await this.redis.get(this.names.battle(battleId));
    if (raw === null) return null;
    const parsed = arenaBattleSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  async put(battle: ArenaBattle): Promise<void> {
    await this.redis.set(this.names.battle(battle.battleId), JSON.stringify(arenaBattleSchema.parse(battle)), 'EX', this.ttlSeconds);
  }

  /** True when this call claimed the battle's vote; false when it was already voted on. */
  async claimVote(battleId: string, token: string): Promise<boolean> {
    return (await this.redis.set(this.names.vote(battleId), token, 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }

  async releaseVote(battleId: string, token: string): Promise<void> {
    if ((await this.redis.get(this.names.vote(battleId))) === token) await this.redis.del(this.names.vote(battleId));
  }

  /** Runs `task` after every earlier task of the same battle (in this process) has finished. */
  exclusive<T>(battleId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(battleId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    const settled = run.catch(() => undefined);
    this.locks.set(battleId, settled);
    void settled.then(() => {
      if (this.locks.get(battleId) === settled) this.locks.delete(battleId);
    });
    return run;
  }
}
