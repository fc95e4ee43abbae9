/**
 * The page's cluster over time: the first boot, a reset with another seed, a step back
 * (a replay of the run so far, up to an earlier moment) and a scenario played on the page.
 * Each builds a new cluster beside the running one and swaps it in only once it is ready,
 * so a failure leaves the page as it was. A scenario's cluster stops by itself at the last
 * step and finishes the run exactly as the CLI does, so its summary is the CLI's for the
 * same file and seed.
 */
import { Cluster, type JournalEntry, type NodeFactory, type SettingsInput } from '../engine/index.ts';
import { registerServiceWorker } from '../platform/browser/serviceWorker.ts';
import { runAsScenario } from '../scenarios/journal.ts';
import { finishScenario, type ScheduledRun, scenarioSettings, scheduleSteps } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { exposeLab } from './automation.ts';
import { type BuildCluster, bootLab, defaultCluster, type Lab } from './bootLab.ts';
import { describeError, formatEngineTime } from './format.ts';
import { followRowLedger } from './shards.ts';
import { bootFailed, connectLab, currentLab, logActivity, type ScenarioRunView, useLab } from './store.ts';

/** What the running cluster was built from, to build it again (step back). */
interface Plan {
  settings: SettingsInput;
  scenario?: Scenario;
  /** The scenario's scheduled steps on the running cluster. */
  run?: ScheduledRun;
  /** The cluster is a lesson's run (replayScenario): free play does not go on with it. */
  lesson?: boolean;
}

let plan: Plan | undefined;
/** What free play boots: the page's first settings (a share link's seed included). */
let freePlaySettings: SettingsInput = { replicas: 3 };
let switching = false;

/**
 * Keeps the address bar's seed in step with the cluster, so a reload or a shared link reproduces it.
 * Not on the start page (no hash, no seed yet): there a seed would turn the address into a link to the lab (route.ts).
 */
function showSeedInUrl(seed: number): void {
  const url = new URL(window.location.href);
  if (url.hash === '' && !url.searchParams.has('seed')) return;
  url.searchParams.set('seed', String(seed));
  window.history.replaceState(null, '', url);
}

/** Boots the page's first cluster and starts the clock at 1x. */
export async function startLab(settings: SettingsInput): Promise<void> {
  freePlaySettings = settings;
  try {
    const lab = await bootLab(defaultCluster(settings));
    plan = { settings };
    connect(lab);
    lab.driver.play();
    firstBooted(lab);
  } catch (err) {
    console.error(err);
    bootFailed(describeError(err));
  }
}

/**
 * A lesson or embed link's first cluster is the lesson's own (`open` builds it, taking the
 * nodes preboot.ts started), not free play and then the lesson: one boot instead of two.
 * If the lesson's cluster could not be built, free play boots instead and the lesson
 * player says what failed, with Try again.
 */
export async function startWithLesson(settings: SettingsInput, open: () => Promise<void>): Promise<void> {
  freePlaySettings = settings;
  await open().catch((err: unknown) => console.error(err));
  const lab = currentLab();
  if (lab) firstBooted(lab);
  else await startLab(settings);
}

function firstBooted(lab: Lab): void {
  // Offline after the first visit (built app only), registered once booted so caching never slows the boot.
  if (import.meta.env.PROD) registerServiceWorker(import.meta.env.BASE_URL);
  console.info(
    `Replica Lab: cluster booted in ${Math.round(lab.bootMs)} ms (${Math.round(lab.readyAtMs)} ms after navigation start)`,
  );
}

/**
 * Free play can run for hours: its history keeps about the newest PAGE_HISTORY_EVENTS
 * events, each also counting the order ids it carries (History.keepAtMost), so the page's
 * memory stays flat: a few minutes of the default load at first, less as "my orders"
 * answers grow (20-30 s after an hour; the timeline shows 20 s). A scenario or lesson keeps
 * its whole history: its summary and goals read it all.
 */
export const PAGE_HISTORY_EVENTS = 100_000;

function connect(lab: Lab): void {
  followRowLedger(lab.cluster.history);
  if (!plan?.scenario) lab.cluster.history.keepAtMost(PAGE_HISTORY_EVENTS);
  connectLab(lab);
  exposeLab(lab);
  showSeedInUrl(lab.cluster.settings.seed);
}

/** Schedules the scenario's steps on a cluster as soon as it has booted (before any event runs). */
type Schedule = ((cluster: Cluster) => void) | undefined;

/**
 * Builds another cluster while the current one waits paused, then swaps it in. `build`
 * gets the function that schedules the plan's scenario (if any) on the booted cluster.
 * Returns the new lab, or undefined when it failed (logged; the old cluster stays).
 */
async function switchLab(
  doing: string,
  build: (schedule: Schedule) => BuildCluster,
  next: Omit<Plan, 'run'>,
): Promise<Lab | undefined> {
  if (clockBusy()) {
    logActivity('error', `${doing}: the page is still busy with the last run; try again in a moment.`);
    return undefined;
  }
  switching = true;
  const old = currentLab();
  old?.driver.pause();
  useLab.setState({ switching: doing });
  try {
    let run: ScheduledRun | undefined;
    const { scenario } = next;
    const schedule: Schedule = scenario
      ? (cluster) => {
          run = scheduleSteps(cluster, scenario);
        }
      : undefined;
    const lab = await bootLab(build(schedule));
    plan = { ...next, run };
    connect(lab);
    await old?.cluster.close().catch((err: unknown) => console.warn('closing the old cluster:', err));
    return lab;
  } catch (err) {
    logActivity('error', `${doing}: ${describeError(err)}`);
    return undefined;
  } finally {
    switching = false;
    useLab.setState({ switching: undefined });
  }
}

/** Starts over: a fresh cluster with the same settings and `seed`, paused at engine time 0. */
export async function resetLab(seed: number): Promise<void> {
  const settings = { ...(plan?.settings ?? {}), seed };
  const lab = await switchLab(`Reset with seed ${seed}`, () => defaultCluster(settings), { settings });
  if (!lab) return;
  useLab.setState({ scenarioRun: undefined });
  logActivity('info', `Reset: a fresh cluster with seed ${seed}. Press Play to start the clock.`);
}

/**
 * Free play after a lesson starts on a fresh cluster with free play's settings, playing at
 * 1x: the lesson's cluster has its settings and its later steps scheduled (a kill, a
 * partition) that would go on firing in free play. A lesson opened again is rebuilt by
 * replay, so nothing is lost. Any other cluster (free play's own, a scenario played from
 * the Scenarios tab) stays as it is.
 */
export async function enterFreePlay(): Promise<void> {
  if (!plan?.lesson || switching) return;
  const settings = freePlaySettings;
  const lab = await switchLab('Free play on a fresh cluster', () => defaultCluster(settings), { settings });
  if (!lab) return;
  useLab.setState({ scenarioRun: undefined });
  lab.driver.play();
  logActivity(
    'info',
    "Free play: a fresh cluster with the default settings. The lesson's run stays with the lesson: open it again to go on.",
  );
}

/**
 * Steps back to engine time `atMs`: replays the run so far (same seed, the same commands at
 * the same moments) up to then, paused, so play can go on from there with other choices.
 */
export async function rewindTo(atMs: number): Promise<void> {
  const lab = currentLab();
  if (!lab || !plan) return;
  const target = Math.max(0, Math.min(atMs, lab.cluster.clock.now()));
  const input = lab.cluster.bootSettings();
  const journal = lab.cluster.journalCopy();
  const { scenario } = plan;
  const rebuilt = await switchLab(
    `Step back to ${formatEngineTime(target)}`,
    (schedule) => (factory: NodeFactory) => Cluster.replay(factory, input, journal, target, schedule),
    { settings: plan.settings, scenario, lesson: plan.lesson },
  );
  if (!rebuilt) return;
  if (scenario) followScenario(rebuilt, scenario);
  logActivity(
    'info',
    `Stepped back to ${formatEngineTime(target)}: the run up to then, replayed. Play goes on from here.`,
  );
}

/** Plays `scenario` with `seed` on a fresh cluster built from its settings, under the clock controls. */
export async function playScenario(scenario: Scenario, seed: number): Promise<void> {
  const settings = scenarioSettings(scenario, seed);
  const lab = await switchLab(
    `Play "${scenario.name}"`,
    (schedule) => (factory) =>
      Cluster.boot(factory, settings).then((cluster) => {
        schedule?.(cluster);
        return cluster;
      }),
    { settings, scenario },
  );
  if (!lab) return;
  followScenario(lab, scenario);
  lab.driver.play();
  logActivity('info', `Playing "${scenario.name}" with seed ${seed}: ${scenario.steps.length} steps.`);
}

/**
 * Rebuilds `scenario`'s run with `seed` on a fresh cluster, sending `journal`'s commands at
 * their moments, up to engine time `atMs`, and leaves it paused there without a stop of
 * its own: a lesson (see lessonRun.ts) opened at a step, one of the learner's paths, a
 * step replayed with other settings. The caller decides where the clock stops next.
 * Returns whether the new cluster is running (a failure is logged; the old one stays).
 */
export async function replayScenario(
  scenario: Scenario,
  seed: number,
  journal: JournalEntry[],
  atMs: number,
  doing: string,
): Promise<boolean> {
  const settings = scenarioSettings(scenario, seed);
  const lab = await switchLab(
    doing,
    (schedule) => (factory) => Cluster.replay(factory, settings, journal, atMs, schedule),
    { settings, scenario, lesson: true },
  );
  if (!lab) return false;
  useLab.setState({ scenarioRun: undefined });
  return true;
}

/**
 * Watches the scenario on `lab`: the driver stops at the last step's time, then the run
 * finishes as fast as possible and its summary is shown. A cluster stepped back to after
 * the end keeps the summary it had.
 */
function followScenario(lab: Lab, scenario: Scenario): void {
  const run = plan?.run;
  if (!run) return;
  const seed = lab.cluster.settings.seed;
  const previous = useLab.getState().scenarioRun;
  if (previous?.status === 'done' && previous.scenario === scenario && lab.cluster.clock.now() >= run.endMs) return;
  useLab.setState({ scenarioRun: { scenario, seed, endMs: run.endMs, status: 'playing' } });
  lab.driver.stopAt(run.endMs, () => void finish(lab, scenario, run));
}

async function finish(lab: Lab, scenario: Scenario, run: ScheduledRun): Promise<void> {
  const update = (next: Partial<ScenarioRunView>) =>
    useLab.setState((s) => (s.scenarioRun ? { scenarioRun: { ...s.scenarioRun, ...next } } : {}));
  update({ status: 'finishing' });
  try {
    const summary = await finishScenario(lab.cluster, scenario, run);
    if (currentLab() !== lab) return;
    const ownCommands = lab.cluster.journalCopy().filter((c) => c.command.do !== 'inspectWal').length;
    update({ status: 'done', summary, ownCommands });
    logActivity(
      'info',
      `"${scenario.name}" finished: ${summary.staleReads} stale reads, ${summary.lostWrites.length} lost writes; replication drained at ${formatEngineTime(summary.drainedAtMs)}.`,
    );
  } catch (err) {
    if (currentLab() !== lab) return;
    update({ status: 'failed', error: describeError(err) });
    logActivity('error', `"${scenario.name}" failed: ${describeError(err)}`);
  }
}

/**
 * The run so far as a scenario file: the settings and seed the cluster booted with, the
 * scenario being played (if any) and every command the learner sent, at its engine time,
 * ending now. Throws when there is no running cluster or the run cannot be a scenario.
 */
export function exportRun(): Scenario {
  const lab = currentLab();
  if (!lab || !plan) throw new Error('the cluster is not running');
  const { seed } = lab.cluster.settings;
  const now = lab.cluster.clock.now();
  return runAsScenario({
    name: plan.scenario ? `${plan.scenario.name} (my run)` : `My run, seed ${seed}`,
    description: `Saved from the page at engine time ${formatEngineTime(now)}.`,
    settings: lab.cluster.bootSettings(),
    journal: lab.cluster.journalCopy(),
    scenario: plan.scenario,
    endMs: now,
  });
}

/** While a scenario finishes, the clock belongs to it: play and step wait. */
export function clockBusy(): boolean {
  return switching || useLab.getState().scenarioRun?.status === 'finishing';
}
