/** Facts about a local RabbitMQ install: the package version. */
import { readdirSync } from 'node:fs';

/** The installed RabbitMQ version, from Debian's /usr/lib/rabbitmq/lib/rabbitmq_server-<version>. */
export function rabbitVersion(): string {
  try {
    const dir = readdirSync('/usr/lib/rabbitmq/lib').find((d) => d.startsWith('rabbitmq_server-'));
    return dir ? dir.slice('rabbitmq_server-'.length) : 'unknown';
  } catch {
    return 'unknown';
  }
}
