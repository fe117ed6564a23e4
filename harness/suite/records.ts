/**
 * What a suite records beside Jest's pass/fail: findings per test, skip reasons, metrics and the
 * deployment it ran on. Written as JSON into <results dir>/<suite>.json (run plan, else MQTT_LB_RESULTS_DIR) for the
 * report, validated on every flush by the suite's schema (harness/results/suite-record.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Finding } from '../finding.js';
import { metricsSchemaOf, type SuiteMetricsOf } from '../results/metrics.js';
import { suiteRecordSchemaOf, type SuiteRecord, type SuiteRecordOf } from '../results/suite-record.js';
import { checkAsJson } from '../results/validate.js';
import type { z } from 'zod';

export type { SuiteRecord } from '../results/suite-record.js';

/** The keys of `metrics.<suite>` a suite may set (any string for a custom suite). */
export type MetricKey<S extends string> = keyof SuiteMetricsOf<S> & string;

export class SuiteRecorder<S extends string = string> {
  readonly record: SuiteRecordOf<S>;
  private readonly schema: z.ZodType<SuiteRecord>;
  private readonly metricsSchema: z.ZodType;
  private readonly what: string;

  constructor(
    suite: S,
    profile: string,
    /** Where `<suite>.json` goes (the run plan's results dir); nothing is written without one. */
    private readonly dir: string | undefined = process.env.MQTT_LB_RESULTS_DIR,
  ) {
    this.record = { suite, profile, findings: {}, skipReasons: {}, metrics: {} as SuiteMetricsOf<S> };
    this.schema = suiteRecordSchemaOf(suite);
    this.metricsSchema = metricsSchemaOf(suite);
    this.what = `results of suite ${suite}`;
  }

  addFinding(testName: string, finding: Finding): void {
    checkAsJson(Finding, finding, this.what, ['findings', testName]);
    (this.record.findings[testName] ??= []).push(finding);
    this.write();
  }

  skip(testName: string, reason: string): void {
    this.record.skipReasons[testName] = reason;
    this.write();
  }

  /** Sets metrics.<suite>.<key>: typed by the suite's metrics schema, so a wrongly shaped metric does not compile. */
  metric<K extends MetricKey<S>>(key: K, value: SuiteMetricsOf<S>[K]): void {
    // Validated alone (the other keys were when they were set): a suite's record grows to hundreds of kB.
    checkAsJson(this.metricsSchema, { [key]: value }, this.what, ['metrics']);
    (this.record.metrics as Record<string, unknown>)[key] = value;
    this.write();
  }

  /**
   * Validates the whole record as JSON carries it (throws with the zod path of the first problems), then writes it:
   * after setting `record.deployment` or `record.error` directly. findings, skips and metrics are validated as they
   * are added.
   */
  flush(): void {
    checkAsJson(this.schema, this.record, this.what);
    this.write();
  }

  private write(): void {
    const dir = this.dir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${this.record.suite}.json`), JSON.stringify(this.record, null, 1));
  }
}
