/**
 * A Jest reporter `mqtt-lb run` adds to the suites' Jest child: one progress line when a suite starts and one with
 * its result when it finishes, so a long run shows where it is (Jest's own verbose output stays as it is).
 */
import path from 'node:path';

interface TestFile {
  path: string;
}

interface FileResult {
  numPassingTests: number;
  numFailingTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  testExecError?: { message?: string };
  failureMessage?: string | null;
  perfStats: { start: number; end: number };
}

function suiteName(file: string): string {
  return path.basename(file).replace(/\.test\.[cm]?[jt]s$/, '');
}

function line(message: string): void {
  if (process.env.MQTT_LB_QUIET === '1') return;
  process.stderr.write(`[mqtt-lb ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export default class ProgressReporter {
  private readonly profile =
    process.env.MQTT_LB_PROFILE_NAME ?? path.basename(process.env.MQTT_LB_PROFILE ?? 'profile').replace(/\.ya?ml$/, '');

  onTestFileStart(test: TestFile): void {
    line(`${this.profile} › ${suiteName(test.path)}: starting (deployment, then tests)`);
  }

  onTestFileResult(test: TestFile, result: FileResult): void {
    const secs = ((result.perfStats.end - result.perfStats.start) / 1000).toFixed(1);
    const failed = result.numFailingTests + (result.testExecError ? 1 : 0);
    const mark = failed ? '✗ FAIL' : result.numPassingTests ? '✓ PASS' : '– SKIPPED';
    const skipped = result.numPendingTests + (result.numTodoTests ?? 0);
    const error = result.testExecError ? ` — suite error: ${(result.testExecError.message ?? '').split('\n')[0]}` : '';
    line(
      `${this.profile} › ${suiteName(test.path)}: ${mark}  ${result.numPassingTests} passed, ${failed} failed, ${skipped} skipped in ${secs} s${error}`,
    );
  }

  getLastError(): Error | undefined {
    return undefined;
  }
}
