/**
 * Worker-thread entry: parses the config file named in `workerData.file` and posts the plain result back.
 * The YAML and zod libraries load into this worker's heap only, which is discarded when the worker exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfigFile } from './load-file.js';

const { file } = workerData as { file: string };
parentPort?.postMessage(loadConfigFile(file));
