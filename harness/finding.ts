/** A finding: what a check observed, why in config terms (file and line), and what to change. Core vocabulary. */
export interface Finding {
  /** 'error' fails the test, 'warning' is shown but does not fail, 'info' is context. */
  severity: 'error' | 'warning' | 'info';
  /** What was observed, in one sentence. */
  title: string;
  /** Why: usually a config line and what it means. */
  detail?: string;
  /** The config file and 1-based line the finding is about, when there is one. */
  file?: string;
  line?: number;
  /** What to change. */
  remedy?: string;
}
