/**
 * The start page's "Your lessons": open a lesson file you wrote (validated with the CLI's
 * own messages; a bad file changes nothing), then take it like a library lesson. Kept in
 * this browser (page/ownLessons.ts); each can be removed.
 */
import { useId } from 'react';
import { openLessonFile, removeOwnLesson, useOwnLessons } from '../../page/ownLessons.ts';
import { lessonHash } from '../../page/route.ts';
import { FileProblems } from '../shared/FileProblems.tsx';
import { JsonFileField } from '../shared/JsonFileField.tsx';
import { LessonList } from './LessonList.tsx';

export function OwnLessons() {
  const own = useOwnLessons((s) => s.lessons);
  const notice = useOwnLessons((s) => s.notice);
  const dropped = useOwnLessons((s) => s.dropped);
  const hintId = useId();
  const fileOf = new Map(own.map((o) => [o.lesson.id, o.fileName]));

  return (
    <div className="own-lessons">
      <h3>Your lessons</h3>
      <p className="muted" id={hintId}>
        Wrote a lesson? Open its JSON file to take it here. Check it first with{' '}
        <code>npm run scenario -- my-lesson.json --check</code>; the format is in the README.
      </p>
      <div className="own-lessons-open">
        <JsonFileField label="Open a lesson file" describedBy={hintId} onFile={(file) => void openLessonFile(file)} />
      </div>
      {notice?.kind === 'refused' && (
        <FileProblems source={notice.source} what="a lesson the lab can play" problems={notice.problems} />
      )}
      {notice?.kind === 'added' && (
        <p className="own-lessons-added" role="status">
          {notice.replaced ? 'Updated' : 'Added'} <a href={lessonHash(notice.lessonId)}>{notice.title}</a>
          {notice.kept
            ? ': kept in this browser.'
            : ': this browser would not keep it (storage full or forbidden), so it lasts until you leave the page.'}
        </p>
      )}
      {dropped.length > 0 && (
        <p className="muted">
          Not shown, as they no longer validate: {dropped.map((e) => e.fileName).join(', ')}. Open the files again to
          replace them.
        </p>
      )}
      {own.length > 0 && (
        <LessonList
          lessons={own.map((o) => o.lesson)}
          label="Your lessons"
          extra={(lesson) => (
            <p className="own-lesson-file muted">
              <span>From {fileOf.get(lesson.id)}</span>{' '}
              <button type="button" aria-label={`Remove ${lesson.title}`} onClick={() => removeOwnLesson(lesson.id)}>
                Remove
              </button>
            </p>
          )}
        />
      )}
    </div>
  );
}
