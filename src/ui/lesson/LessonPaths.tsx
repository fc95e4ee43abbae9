/**
 * The learner's paths through the lesson: going back and doing something else (another
 * setting, another command) starts a new path and keeps the earlier one here, one click
 * (and a replay) away. Shown once there is more than one.
 */
import { choosePath } from '../../page/lessonNav.ts';
import { useLessonRun } from '../../page/lessonRun.ts';

export function LessonPaths() {
  const paths = useLessonRun((s) => s.paths);
  const busy = useLessonRun((s) => s.busy !== undefined);
  if (paths.list.length < 2) return null;
  return (
    <section className="lesson-paths" aria-label="Your paths">
      <h3>Your paths</h3>
      <ul>
        {paths.list.map((p, i) => (
          <li key={p.id}>
            <button type="button" aria-pressed={i === paths.current} disabled={busy} onClick={() => void choosePath(i)}>
              Path {p.id}: {p.label} (to step {p.stepIndex + 1})
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
