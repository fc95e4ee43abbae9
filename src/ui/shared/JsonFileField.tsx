/**
 * "Open a … file": a labelled file input for a JSON file, handing over the picked file and
 * clearing itself, so the same file can be opened again after it is edited.
 */
import { useId } from 'react';

export function JsonFileField({
  label,
  onFile,
  describedBy,
}: {
  label: string;
  onFile: (file: File) => void;
  describedBy?: string;
}) {
  const id = useId();
  return (
    <>
      <label className="inline-field" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="file"
        accept=".json,application/json"
        aria-describedby={describedBy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
