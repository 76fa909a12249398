# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The progress display of a run: one line per test as it completes.

``stestr run --subunit`` writes the run's subunit v2 stream; :func:`follow`
reads it as it comes, prints a line for each finished test (a running count,
the outcome, the area, the test and its time; a failure's one-line reason
under it) and keeps every byte, so the stream can be saved and the report
built from the very results that were shown::

    [ 12/126] ok    threadpool      test_submit.SubmitTest.test_x  0.02 s
    [ 13/126] FAIL  threadpool      test_errors.ErrorsTest.test_y  0.11 s
              MismatchError: None is not ValueError('raised by the task')
"""

import io
import time

import subunit
import testtools

from watcher_conformance import catalogue
from watcher_conformance import report

_LABEL = {'passed': 'ok', 'failed': 'FAIL', 'skipped': 'skip'}


class _Tee:
    """A readable stream that keeps a copy of everything read from it."""

    def __init__(self, source, copy=None):
        self.source = source
        self.copy = io.BytesIO() if copy is None else copy

    def read(self, size=-1):
        data = self.source.read(size)
        self.copy.write(data)
        return data


class Display:
    """Prints one line per finished test on *out*; *total* (or None) is the
    number of tests the run will report."""

    def __init__(self, out, total=None):
        self.out = out
        self.total = total
        self.counts = {'passed': 0, 'failed': 0, 'skipped': 0}
        self.started = time.monotonic()

    def test(self, result):
        """The StreamToDict callback: one finished test."""
        if result['status'] in (None, 'exists', 'inprogress'):
            return  # listed, never run: the report counts it, not the line
        outcome = report.status(result)
        self.counts[outcome] += 1
        done = sum(self.counts.values())
        width = len(str(self.total or done))
        count = ('%*d/%d' % (width, done, self.total) if self.total
                 else '%d' % done)
        area, name = catalogue.area_and_name(result['id'])
        duration = report.duration(result)
        self.out.write('[%s] %-5s %-15s %s%s\n' % (
            count, _LABEL[outcome], area, name,
            '  %.2f s' % duration if duration is not None else ''))
        if outcome != 'passed':
            why = report.reason(result.get('details', {}))
            if why:
                self.out.write('%s%s\n' % (' ' * (len(count) + 3), why))
        self.out.flush()

    def finish(self):
        """The closing line: counts and wall time."""
        done = sum(self.counts.values())
        self.out.write('%d test%s in %.1f s: %d passed, %d failed, '
                       '%d skipped\n' % (
                           done, '' if done == 1 else 's',
                           time.monotonic() - self.started,
                           self.counts['passed'], self.counts['failed'],
                           self.counts['skipped']))
        self.out.flush()


class _Chatter(testtools.StreamResult):
    """Keeps the output that belongs to no test (what stestr itself said,
    e.g. that a filter matched nothing)."""

    def __init__(self):
        super().__init__()
        self.text = io.BytesIO()

    def status(self, test_id=None, file_name=None, file_bytes=None,
               **kwargs):
        if test_id is None and file_name == 'stdout' and file_bytes:
            self.text.write(file_bytes)


def follow(stream, out, total=None, keep=None):
    """Show the results of the subunit v2 *stream* on *out* as they come;
    return every byte read (the whole stream, non-test output included).

    :param keep: a binary file that gets every byte as it is read, so that
        an interrupted run keeps what it had read.
    """
    tee = _Tee(stream, keep)
    display = Display(out, total)
    chatter = _Chatter()
    sink = testtools.CopyStreamResult(
        [testtools.StreamToDict(display.test), chatter])
    sink.startTestRun()
    try:
        subunit.ByteStreamToStreamResult(
            tee, non_subunit_name='stdout').run(sink)
    finally:
        sink.stopTestRun()
    if not sum(display.counts.values()):
        # No test ran: what stestr said is the explanation. When tests ran,
        # such output stays in the stream (and its subunit2html page).
        said = chatter.text.getvalue().decode('utf-8', 'replace')
        out.write(said if not said or said.endswith('\n') else said + '\n')
    display.finish()
    return tee.copy.getvalue()
