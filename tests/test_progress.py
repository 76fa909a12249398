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

"""The progress display: a line per finished test, the stream kept whole."""

import io

import subunit

from tests import base
from watcher_conformance import catalogue
from watcher_conformance import progress

SUITE = 'watcher_conformance.tests.'
PASSED = SUITE + 'threadpool.test_a.ATest.test_ok[id-1,must]'
FAILED = SUITE + 'workflow.test_b.BTest.test_bad[id-2,must]'
SKIPPED = SUITE + 'conductor.test_c.CTest.test_skip[id-3,must]'
TRACEBACK = ('Traceback (most recent call last):\n'
             '  File "b.py", line 1, in test_bad\n'
             '    self.fail()\n'
             'AssertionError: 3 != 4\n')


def _stream(*events, chatter=b''):
    """Subunit v2 bytes: (test id, status, attachment name, text) events,
    with *chatter* (output of no test) in front."""
    buf = io.BytesIO()
    buf.write(chatter)
    out = subunit.StreamResultToBytes(buf)
    for test_id, status, name, text in events:
        out.status(test_id=test_id, test_status='exists')
    for test_id, status, name, text in events:
        out.status(test_id=test_id, test_status='inprogress')
        if name:
            out.status(test_id=test_id, file_name=name,
                       file_bytes=text.encode(), mime_type='text/plain')
        out.status(test_id=test_id, test_status=status)
    return buf.getvalue()


class FollowTest(base.TestCase):

    def follow(self, data, total=None):
        out = io.StringIO()
        kept = progress.follow(io.BytesIO(data), out, total)
        return kept, out.getvalue().splitlines()

    def test_a_line_per_finished_test_and_the_stream_kept(self):
        data = _stream((PASSED, 'success', None, None),
                       (FAILED, 'fail', 'traceback', TRACEBACK),
                       (SKIPPED, 'skip', 'reason', 'not claimed'))
        kept, lines = self.follow(data, total=3)
        self.assertEqual(data, kept)
        self.assertEqual('[1/3] ok    threadpool      test_a.ATest.test_ok',
                         lines[0])
        self.assertEqual('[2/3] FAIL  workflow        test_b.BTest.test_bad',
                         lines[1])
        self.assertEqual('      AssertionError: 3 != 4', lines[2])
        self.assertEqual('[3/3] skip  conductor       test_c.CTest.test_skip',
                         lines[3])
        self.assertEqual('      not claimed', lines[4])
        self.assertRegex(lines[5], r'^3 tests in \d+\.\d s: 1 passed, '
                         r'1 failed, 1 skipped$')
        self.assertEqual(6, len(lines))

    def test_count_without_a_total(self):
        _, lines = self.follow(_stream((PASSED, 'success', None, None)))
        self.assertTrue(lines[0].startswith('[1] ok '), lines[0])
        self.assertTrue(lines[1].startswith('1 test in '), lines[1])

    def test_output_of_no_test_is_shown_when_no_test_ran(self):
        _, lines = self.follow(b"The specified regex doesn't match")
        self.assertEqual("The specified regex doesn't match", lines[0])
        self.assertRegex(lines[1], r'^0 tests in \d+\.\d s: 0 passed, '
                         r'0 failed, 0 skipped$')

    def test_output_of_no_test_is_kept_out_of_a_run(self):
        data = _stream((PASSED, 'success', None, None),
                       chatter=b'DEBUG noise\n')
        kept, lines = self.follow(data)
        self.assertEqual(data, kept)
        self.assertEqual(2, len(lines))
        self.assertNotIn('noise', '\n'.join(lines))


class AreaAndNameTest(base.TestCase):

    def test_suite_test(self):
        self.assertEqual(('workflow', 'test_b.BTest.test_bad'),
                         catalogue.area_and_name(FAILED))

    def test_test_outside_the_suite(self):
        self.assertEqual(('unknown', 'unittest.loader._FailedTest.mod'),
                         catalogue.area_and_name(
                             'unittest.loader._FailedTest.mod'))
