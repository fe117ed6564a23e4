/**
 * The worker thread TS-proxy forwards in (main.ts starts it): runs the TsProxy for the config it is given,
 * reloads and stops on the main thread's messages, and sends its log lines to the main thread, which writes
 * them to stdout in order. Messages: see serve-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TsProxy } from './runtime/proxy.js';
import type { FromServeWorker, ServeWorkerData, ToServeWorker } from './serve-protocol.js';
import { errorText, Logger } from './util/log.js';
import { logUncaught } from './util/crash-guards.js';

const port = parentPort!;
const data = workerData as ServeWorkerData;

function post(message: FromServeWorker): void {
  port.postMessage(message);
}
function sendLine(line: string): void {
  post(line);
}

const logger = new Logger(data.logLevel ?? data.config.global.log_level, sendLine);

logUncaught(logger);

async function serve(): Promise<void> {
  let proxy: TsProxy;
  try {
    proxy = await TsProxy.start(data.config, { logger, baseDir: data.baseDir, logLevelOverride: data.logLevel });
  } catch (err) {
    logger.error('start-failed', { error: errorText(err) });
    return post({ type: 'start-failed' });
  }
  post({ type: 'started' });

  let queue: Promise<void> = Promise.resolve();
  async function reload(next: ToServeWorker & { type: 'reload' }): Promise<void> {
    try {
      const problems = await proxy.reload(next.config);
      logger.lifecycle('reloaded', { config: data.configPath, problems, listeners: proxy.listeners() });
    } catch (err) {
      logger.error('reload-failed', {
        config: data.configPath,
        errors: [errorText(err)],
        note: 'the previous configuration stays active',
      });
    }
  }
  async function stop(): Promise<void> {
    await proxy.stop();
    post({ type: 'stopped' });
  }
  port.on('message', function onControl(message: ToServeWorker) {
    queue = queue.then(() => (message.type === 'reload' ? reload(message) : stop()));
  });
}

void serve();
