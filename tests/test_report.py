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

"""The JSON report: counts per area and level, and the verdict."""

import io

import subunit
import testtools

from reference import implementation
from tests import base
from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance import report

MUST_ID = '11111111-1111-4111-8111-111111111111'
SHOULD_ID = '22222222-2222-4222-8222-222222222222'
CHECKS = [catalogue.Check(MUST_ID, contract.MUST, 'x MUST y', None, 'pool',
                          'a.T.test_must'),
          catalogue.Check(SHOULD_ID, contract.SHOULD, 'x SHOULD y', None,
                          'pool', 'a.T.test_should')]


def _stream(*outcomes):
    """A subunit v2 stream of (test id, status, reason) outcomes."""
    buf = io.BytesIO()
    out = subunit.StreamResultToBytes(buf)
    for test_id, status, reason in outcomes:
        out.status(test_id=test_id, test_status='inprogress')
        if reason:
            out.status(test_id=test_id, file_name='reason',
                       file_bytes=reason.encode(), mime_type='text/plain')
        out.status(test_id=test_id, test_status=status)
    buf.seek(0)
    return buf


def _id(check_id):
    return 'a.T.test[id-%s,x]' % check_id


class ReportTest(base.TestCase):

    def build(self, *outcomes):
        results = report.results_from_subunit(_stream(*outcomes))
        return report.build(results, implementation.IMPLEMENTATION,
                            'reference', 'threading', CHECKS)

    def test_counts_per_area_and_level(self):
        data = self.build((_id(MUST_ID), 'success', None),
                          (_id(SHOULD_ID), 'skip', 'not claimed'))
        self.assertEqual('pass', data['verdict'])
        self.assertEqual(
            {'MUST': {'passed': 1, 'failed': 0, 'skipped': 0},
             'SHOULD': {'passed': 0, 'failed': 0, 'skipped': 1}},
            data['summary']['pool'])
        self.assertEqual('not claimed', data['tests'][1]['reason'])

    def test_failed_should_check_keeps_the_verdict(self):
        data = self.build((_id(MUST_ID), 'success', None),
                          (_id(SHOULD_ID), 'fail', None))
        self.assertEqual('pass', data['verdict'])

    def test_failed_must_check_fails_the_verdict(self):
        data = self.build((_id(MUST_ID), 'fail', None))
        self.assertEqual('fail', data['verdict'])
        self.assertIn('NOT CONFORMANT', report.format_summary(data))

    def test_unknown_failure_counts_as_must(self):
        data = self.build(('unittest.loader._FailedTest.mod', 'fail', None))
        self.assertEqual('fail', data['verdict'])
        self.assertEqual('unknown', data['tests'][0]['area'])

    def test_no_test_is_not_a_pass(self):
        self.assertEqual('untested', self.build()['verdict'])

    def test_every_check_skipped_is_not_a_pass(self):
        data = self.build((_id(MUST_ID), 'skip', 'not claimed'))
        self.assertEqual('untested', data['verdict'])
        self.assertIn('NOT TESTED (every check skipped',
                      report.format_summary(data))

    def test_undeclared_mode_is_not_a_pass(self):
        results = report.results_from_subunit(_stream(
            (_id(MUST_ID), 'skip', 'mode not supported')))
        data = report.build(results, implementation.IMPLEMENTATION,
                            'reference', 'asyncio-someday', CHECKS)
        self.assertEqual('untested', data['verdict'])
        self.assertIn('does not declare mode asyncio-someday',
                      report.format_summary(data))

    def test_a_failed_must_check_is_a_fail_even_when_others_skip(self):
        data = self.build((_id(MUST_ID), 'fail', 'no'),
                          (_id(SHOULD_ID), 'skip', 'not claimed'))
        self.assertEqual('fail', data['verdict'])

    def test_reason_is_the_exception_line(self):
        details = {'traceback': testtools.content.text_content(
            'Traceback (most recent call last):\n  File "x.py", line 1, in t\n'
            '    f()\nAssertionError: 3 != 4\n\nmore\n')}
        self.assertEqual('AssertionError: 3 != 4', report.reason(details))


class MessageTest(base.TestCase):

    def test_failure_message_keeps_every_line(self):
        traceback = ('Traceback (most recent call last):\n'
                     '  File "x.py", line 1, in test\n'
                     '    self.fail(msg)\n'
                     'AssertionError: model of the whole cloud:\n'
                     '  3 nodes missing: a, b, c\n')
        details = {'traceback': testtools.content.text_content(traceback)}
        self.assertEqual('AssertionError: model of the whole cloud:\n'
                         '  3 nodes missing: a, b, c',
                         report._message(details))
        self.assertEqual('AssertionError: model of the whole cloud:',
                         report.reason(details))
