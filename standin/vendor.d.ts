/**
 * Local type declarations for untyped dependencies of the stand-in node.
 * Only what the stand-in uses is declared.
 */
declare module 'aedes-persistence-redis' {
  import type { Redis, RedisOptions } from 'ioredis';

  namespace persistenceRedis {
    interface PersistenceRedisOptions extends RedisOptions {
      /** An existing ioredis connection to use instead of opening one. */
      conn?: Redis;
      maxSessionDelivery?: number;
      packetTTL?: (packet: unknown) => number;
    }
    /** Opaque aedes persistence instance (passed to `AedesOptions.persistence`). */
    interface AedesRedisPersistence {
      readonly __aedesPersistence?: never;
    }
  }

  function persistenceRedis(opts?: persistenceRedis.PersistenceRedisOptions): persistenceRedis.AedesRedisPersistence;
  export = persistenceRedis;
}
