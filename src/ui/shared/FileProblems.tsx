/**
 * Why an opened file was refused, with every problem the validator named, and that nothing
 * changed: a scenario file in the Scenarios tab, a lesson file on the start page.
 */
export function FileProblems({ source, what, problems }: { source: string; what: string; problems: string[] }) {
  return (
    <div className="file-problems" role="alert">
      <p>
        <strong>{source}</strong> is not {what}, so nothing changed:
      </p>
      <ul>
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}
