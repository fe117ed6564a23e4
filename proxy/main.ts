#!/usr/bin/env node
/**
 * TS-proxy: L4 MQTT load balancer.
 *
 *   node dist/proxy/main.js --config proxy.yaml [--check] [--log-level debug|info|warn|error]
 *
 * Exit codes: 0 ok, 1 start-up failure (e.g. a port in use), 2 bad config or arguments.
 * Signals: SIGHUP reloads config and certificates (established connections stay);
 * SIGTERM/SIGINT close the listeners, then exit.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigIsolated } from './config/load-isolated.js';
import { Worker } from 'node:worker_threads';
import {
  SERVE_YOUNG_GENERATION_MB,
  type FromServeWorker,
  type ServeWorkerData,
  type ToServeWorker,
} from './serve-protocol.js';
import { errorText, LOG_LEVELS, Logger, type LogLevel } from './util/log.js';
import { logUncaught } from './util/crash-guards.js';
import { TS_PROXY_VERSION } from './version.js';

const USAGE = 'usage: ts-proxy --config <file.yaml> [--check] [--log-level debug|info|warn|error] [--version]';

interface Cli {
  config: string;
  check: boolean;
  logLevel?: LogLevel;
}

function fail(message: string, code = 2): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}

function parseCli(argv: string[]): Cli {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        check: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${errorText(err)}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  if (values.version) {
    process.stdout.write(`ts-proxy ${TS_PROXY_VERSION}\n`);
    process.exit(0);
  }
  if (!values.config) fail(`--config is required\n${USAGE}`);
  const level = values['log-level'];
  if (level !== undefined && !LOG_LEVELS.includes(level as LogLevel))
    fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  return { config: values.config, check: values.check ?? false, logLevel: level as LogLevel | undefined };
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  const first = await loadConfigIsolated(cli.config);
  if (!first.config) fail(first.errors.join('\n'));
  if (cli.check) {
    process.stdout.write(`${cli.config}: configuration is valid\n`);
    process.exit(0);
  }
  process.title = 'ts-proxy';
  const logger = new Logger(cli.logLevel ?? first.config.global.log_level);
  installCrashGuards(logger);
  const workerData: ServeWorkerData = {
    config: first.config,
    configPath: cli.config,
    baseDir: path.dirname(path.resolve(cli.config)),
    logLevel: cli.logLevel,
  };
  const worker = new Worker(serveWorkerUrl(), {
    workerData,
    resourceLimits: { maxYoungGenerationSizeMb: SERVE_YOUNG_GENERATION_MB },
  });
  function send(message: ToServeWorker): void {
    worker.postMessage(message);
  }

  let stopSignal: NodeJS.Signals | null = null;
  worker.on('message', function onWorkerMessage(message: FromServeWorker) {
    if (typeof message === 'string') {
      process.stdout.write(message);
    } else if (message.type === 'started') {
      logger.lifecycle('started', { version: TS_PROXY_VERSION, pid: process.pid, config: cli.config });
    } else if (message.type === 'start-failed') {
      process.exit(1);
    } else if (message.type === 'stopped') {
      logger.lifecycle('stopped', { signal: stopSignal });
      process.exit(0);
    }
  });
  worker.on('error', function onWorkerError(err) {
    logger.error('internal-error', { error: errorText(err), note: 'the forwarding thread failed' });
    process.exit(1);
  });
  worker.on('exit', function onWorkerExit(code) {
    logger.error('internal-error', { error: `the forwarding thread exited (code ${code})` });
    process.exit(1);
  });

  let reloading: Promise<void> = Promise.resolve();
  function onSighup(): void {
    reloading = reloading.then(async function reloadConfig() {
      const next = await loadConfigIsolated(cli.config);
      if (!next.config) {
        logger.error('reload-failed', {
          config: cli.config,
          errors: next.errors,
          note: 'the previous configuration stays active',
        });
        return;
      }
      send({ type: 'reload', config: next.config });
    });
  }

  function onStopSignal(signal: NodeJS.Signals): void {
    if (stopSignal) process.exit(0);
    stopSignal = signal;
    logger.lifecycle('stopping', { signal });
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    send({ type: 'stop' });
  }
  process.on('SIGHUP', onSighup);
  process.on('SIGTERM', onStopSignal);
  process.on('SIGINT', onStopSignal);
}

/** The worker entry beside this module: `serve-worker.js` in dist, `serve-worker.mjs` beside a bundle. */
function serveWorkerUrl(): URL {
  return new URL(import.meta.url.endsWith('.mjs') ? './serve-worker.mjs' : './serve-worker.js', import.meta.url);
}

/** A proxy must keep serving other connections when one code path throws: log and carry on. */
function installCrashGuards(logger: Logger): void {
  // A closed stdout (the log reader went away) must not turn every log line into an uncaught EPIPE.
  process.stdout.on('error', function onStdoutError() {});
  logUncaught(logger);
}

void main();
