/**
 * The start page: what the lab is, the guided lessons (each with what it teaches and how
 * long it takes) and free play, today's whole lab. The cluster boots in the background
 * meanwhile, so free play opens at once.
 */
import { LessonListSlot } from './lessonSlots.tsx';
import { linkTo } from './useRoute.ts';

export function Landing() {
  return (
    <div className="landing">
      <header className="landing-header">
        <h1>Replica Lab</h1>
        <p className="landing-lead">
          Learn database replication, failover and read-your-writes by breaking a real cluster: a PostgreSQL primary and
          three read replicas (PGlite), running in your browser on one virtual clock.
        </p>
      </header>
      <main className="landing-main">
        <section className="panel landing-section" aria-labelledby="landing-lessons-heading">
          <h2 id="landing-lessons-heading">Lessons</h2>
          <p className="muted">
            Each lesson plays a story step by step: you predict what the cluster will do, watch it happen, and change
            settings until a goal is met.
          </p>
          <LessonListSlot />
        </section>
        <section className="panel landing-section" aria-labelledby="landing-sandbox-heading">
          <h2 id="landing-sandbox-heading">Free play</h2>
          <p>
            The whole lab: place orders, read them back, lag, cut and kill nodes, fail over, run scenarios and query any
            node in SQL.
          </p>
          <a className="landing-sandbox-link primary-button" {...linkTo({ screen: 'sandbox' })}>
            Free play (sandbox)
          </a>
        </section>
      </main>
    </div>
  );
}
