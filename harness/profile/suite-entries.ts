/**
 * The suites of a run as listed in a profile or on the command line: built-in suite names and custom suite files
 * (`*.test.ts`), each file resolved to an absolute path and checked before anything starts; a suite's name in the
 * report is a built-in's name or the file's basename without `.test.ts`.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CUSTOM_SUITE_FILE, SUITES, type SuiteName } from './schema.js';

export function isBuiltinSuite(entry: string): entry is SuiteName {
  return (SUITES as readonly string[]).includes(entry);
}

/** The suite's name in summary.json, the report and JUnit. */
export function suiteEntryName(entry: string): string {
  return isBuiltinSuite(entry) ? entry : path.basename(entry).replace(CUSTOM_SUITE_FILE, '');
}

/** A problem with one entry of a suite list: which entry, what is wrong, and what to do. */
export interface SuiteEntryProblem {
  index: number;
  message: string;
  fix: string;
}

/**
 * Makes each custom suite file absolute (relative to `baseDir`) and finds the first problem: a file that does not
 * exist, a file not named `*.test.ts`, or a name used twice (a built-in's name included).
 */
export function resolveSuiteEntries(
  entries: readonly string[],
  baseDir: string,
  relativeTo: string,
): { entries: string[]; problem?: SuiteEntryProblem } {
  const resolved = entries.map((e) => (isBuiltinSuite(e) ? e : path.resolve(baseDir, e)));
  const seen = new Map<string, string>();
  for (const [index, entry] of resolved.entries()) {
    const name = suiteEntryName(entry);
    if (!isBuiltinSuite(entry)) {
      if (!CUSTOM_SUITE_FILE.test(entry))
        return {
          entries: resolved,
          problem: {
            index,
            message: `'${entries[index]}' is neither a built-in suite (${SUITES.join(', ')}) nor a test file`,
            fix: 'a custom suite is a Jest test file named <name>.test.ts',
          },
        };
      if (!existsSync(entry) || !statSync(entry).isFile())
        return {
          entries: resolved,
          problem: {
            index,
            message: `suite file not found: ${entry}`,
            fix: `the path is relative to ${relativeTo}; a custom suite is a Jest test file (*.test.ts) that calls useDeployment() (see README "Custom suites")`,
          },
        };
      if (isBuiltinSuite(name))
        return {
          entries: resolved,
          problem: {
            index,
            message: `${entry}: its name '${name}' is the name of a built-in suite`,
            fix: `rename the file (a custom suite is named after its file), or list the built-in suite as '${name}'`,
          },
        };
    }
    const before = seen.get(name);
    if (before !== undefined)
      return {
        entries: resolved,
        problem: {
          index,
          message: `the suite '${name}' is listed twice${before === entry ? '' : ` (${before} and ${entry})`}`,
          fix: "list each suite once; a custom suite's name is its file name without .test.ts, so rename one of the files",
        },
      };
    seen.set(name, entry);
  }
  return { entries: resolved };
}
