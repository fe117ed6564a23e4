/**
 * Where a load engine user's clients run: in this process (one LoadEngine per job, as before agents existed) or
 * over agents (a controller and its launcher). Both answer the same calls — a held ramp step, a whole run,
 * closing what is held — with one merged result, so the capacity suite and other engine users need no second path.
 */
import { LoadEngine } from '../load/engine.js';
import type { ProcessLimits } from '../load/limits.js';
import type { LoadPlan } from '../load/plan.js';
import { AgentController, type JobOutcome } from './controller.js';
import type { LoadSettings } from './settings.js';
import type { Launcher } from './launchers/launcher.js';

export type { AgentPart, JobOutcome } from './controller.js';

export interface LoadRunner {
  /** 0: in this process; else the number of agents. */
  readonly agents: number;
  readonly launcher: 'in-process' | Launcher['kind'];
  /** Opens the plan's connections and keeps them open until closeAll(); stopped after `stopAfterMs`. */
  ramp(plan: LoadPlan, stopAfterMs: number): Promise<JobOutcome>;
  /** The engine's whole run (ramp, publish, hold, drain, close). */
  run(plan: LoadPlan, stopAfterMs: number): Promise<JobOutcome>;
  closeAll(): Promise<void>;
  /** The open-files and port limits of the process(es) running the clients (one per agent). */
  limits(): ProcessLimits[];
  /** closeAll + remove the agents. Never throws. */
  shutdown(): Promise<void>;
}

/** The clients in this process. */
export class InProcessRunner implements LoadRunner {
  readonly agents = 0;
  readonly launcher = 'in-process' as const;
  private readonly holding: LoadEngine[] = [];
  private lastLimits: ProcessLimits | null = null;

  async ramp(plan: LoadPlan, stopAfterMs: number): Promise<JobOutcome> {
    const engine = new LoadEngine(plan);
    this.lastLimits = engine.limits;
    this.holding.push(engine);
    const stopper = setTimeout(() => engine.stop('deadline'), stopAfterMs);
    try {
      await engine.ramp();
    } finally {
      clearTimeout(stopper);
    }
    const held = this.holding.reduce((a, e) => a + e.connected, 0);
    return this.outcome(engine, held, held - engine.connected);
  }

  async run(plan: LoadPlan, stopAfterMs: number): Promise<JobOutcome> {
    const engine = new LoadEngine({ ...plan, deadlineMs: Math.min(plan.deadlineMs ?? stopAfterMs, stopAfterMs) });
    this.lastLimits = engine.limits;
    await engine.run();
    return this.outcome(engine, 0, 0);
  }

  private outcome(engine: LoadEngine, held: number, heldBefore: number): JobOutcome {
    const result = engine.result();
    return { result, parts: [{ agent: 0, result, held, heldBefore }], held, heldBefore };
  }

  async closeAll(): Promise<void> {
    const engines = this.holding.splice(0);
    await Promise.all(engines.map((e) => e.closeAll()));
  }

  limits(): ProcessLimits[] {
    return this.lastLimits ? [this.lastLimits] : [];
  }

  async shutdown(): Promise<void> {
    await this.closeAll();
  }
}

/** The clients over agents. */
export class AgentRunner implements LoadRunner {
  constructor(private readonly controller: AgentController) {}

  get agents(): number {
    return this.controller.count;
  }

  get launcher(): Launcher['kind'] {
    return this.controller.launcherKind;
  }

  ramp(plan: LoadPlan, stopAfterMs: number): Promise<JobOutcome> {
    return this.controller.job(plan, 'ramp', stopAfterMs);
  }

  run(plan: LoadPlan, stopAfterMs: number): Promise<JobOutcome> {
    return this.controller.job(plan, 'run', stopAfterMs);
  }

  closeAll(): Promise<void> {
    return this.controller.closeAll();
  }

  limits(): ProcessLimits[] {
    return this.controller.limits();
  }

  async shutdown(): Promise<void> {
    await this.controller.closeAll().catch(() => undefined);
    await this.controller.shutdown();
  }
}

/** What a launcher other than `local` needs from the running deployment (docker: its network; none for local). */
export type LauncherFactory = (settings: LoadSettings) => Promise<Launcher>;

/** A runner for the profile's `load:` settings (absent: in this process). */
export async function startLoadRunner(
  settings: LoadSettings | undefined,
  makeLauncher: LauncherFactory,
  log?: (line: string) => void,
): Promise<LoadRunner> {
  if (!settings) return new InProcessRunner();
  const launcher = await makeLauncher(settings);
  const controller = await AgentController.start({
    agents: settings.agents,
    launcher,
    maxMs: settings.max_s * 1000,
    ...(log ? { log } : {}),
  });
  return new AgentRunner(controller);
}
