/** The report layer's public API: plain data in (Summary), files and strings out. */
export { writeReport, profileFileNames, type WriteReportOptions } from './write-report.js';
export { renderJunit } from './junit.js';
export { renderIndex, type IndexOptions } from './html/index-page.js';
export { renderProfilePage, type ProfilePageOptions } from './html/profile-page.js';
export { redactConfig, redactSummary, REDACTED } from './redact.js';
export {
  compareToBaseline,
  DEFAULT_TOLERANCES,
  type BaselineDiff,
  type BaselineTolerances,
  type MetricChange,
  type MetricTolerance,
  type StatusChange,
} from './baseline.js';
export { parseSummaryFile, summaryFileContent } from './summary-file.js';
export { fairnessChart } from './charts/fairness-chart.js';
export { failoverTimelineChart, reconnectHistogramChart } from './charts/failover-charts.js';
export { pubsubLatencyChart, tlsHandshakeChart } from './charts/latency-charts.js';
export { overallVerdict, summaryVerdict, rankedFindings, startupErrors, type Verdict } from './verdict.js';
export { renderMarkdownSummary, type MarkdownSummaryOptions } from './markdown-summary.js';
