/**
 * Lists every skipped test by its full name after the summary, so that a
 * test skipped for a reason (cfn-lint not installed) says why where the
 * counts are, not only in the buffered console output of its file.
 */
class SkippedReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.testResults.flatMap((file) =>
      file.testResults.filter((t) => t.status === 'pending' || t.status === 'skipped').map((t) => t.fullName),
    );
    if (skipped.length === 0) return;
    process.stderr.write(`Skipped (${skipped.length}):\n${skipped.map((name) => `  - ${name}\n`).join('')}`);
  }
}

module.exports = SkippedReporter;
