/**
 * Errors the CLI turns into exit code 2 with a clear message: bad usage, bad profile,
 * bad balancer config, unmapped upstream, missing binary, address in use.
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  /** `file:line: message` followed by the fix, the way compilers print it. */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.message}${this.fix ? `\n  fix: ${this.fix}` : ''}`;
  }
}

/** A required system program is missing. */
export class MissingBinaryError extends ConfigError {
  constructor(binary: string, pkg: string) {
    super(
      `'${binary}' was not found on PATH`,
      undefined,
      undefined,
      `install it: apt-get install -y ${pkg}  (or run: npm run setup)`,
    );
    this.name = 'MissingBinaryError';
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}
