/**
 * What a suite records beside Jest's pass/fail: findings per test, skip reasons, metrics and the
 * deployment it ran on. Written as JSON into <results dir>/<suite>.json (run plan, else MQTT_LB_RESULTS_DIR) for the report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, DeploymentSummary } from '../report/summary-types.js';

export interface SuiteRecord {
  suite: string;
  profile: string;
  findings: Record<string, Finding[]>;
  skipReasons: Record<string, string>;
  metrics: Record<string, unknown>;
  deployment?: DeploymentSummary;
  error?: string;
}

export class SuiteRecorder {
  readonly record: SuiteRecord;

  constructor(
    suite: string,
    profile: string,
    /** Where `<suite>.json` goes (the run plan's results dir); nothing is written without one. */
    private readonly dir: string | undefined = process.env.MQTT_LB_RESULTS_DIR,
  ) {
    this.record = { suite, profile, findings: {}, skipReasons: {}, metrics: {} };
  }

  addFinding(testName: string, finding: Finding): void {
    (this.record.findings[testName] ??= []).push(finding);
    this.flush();
  }

  skip(testName: string, reason: string): void {
    this.record.skipReasons[testName] = reason;
    this.flush();
  }

  /** Sets metrics.<suite>.<key> (deep-merged per key). */
  metric(key: string, value: unknown): void {
    this.record.metrics[key] = value;
    this.flush();
  }

  flush(): void {
    const dir = this.dir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${this.record.suite}.json`), JSON.stringify(this.record, null, 1));
  }
}
