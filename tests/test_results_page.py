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

"""The results page checker: a page agrees with its reports or says why."""

import json
import os

import fixtures

from tests import base
from watcher_conformance.tools import results_page

PAGE = """\
Results
=======

.. list-table::
   :header-rows: 1

   * - Mode
     - passed
     - failed
     - skipped
   * - threading
     - 1
     - 1
     - 1
   * - eventlet
     - 0
     - 2
     - 1

The failures
============

``test_a`` (threading, eventlet)
    Why a fails.

``test_b`` (eventlet)
    Why b fails under eventlet.
"""


def _report(mode, **statuses):
    return {'mode': mode, 'tests': [
        {'test_id': 'pkg.mod.Class.%s[id-x,must]' % name, 'status': status}
        for name, status in statuses.items()]}


THREADING = _report('threading', test_a='failed', test_b='passed',
                    test_c='skipped')
EVENTLET = _report('eventlet', test_a='failed', test_b='failed',
                   test_c='skipped')


class ResultsPageTest(base.TestCase):

    def test_agreeing_page(self):
        self.assertEqual([], results_page.disagreements(
            PAGE, [THREADING, EVENTLET]))

    def test_unexplained_failure_found(self):
        threading = _report('threading', test_a='failed', test_b='failed',
                            test_c='skipped')
        found = results_page.disagreements(PAGE, [threading])
        self.assertIn('threading: test_b fails but the page does not say so',
                      found)

    def test_failure_that_passed_found(self):
        eventlet = _report('eventlet', test_a='failed', test_b='passed',
                           test_c='failed')
        found = results_page.disagreements(PAGE, [eventlet])
        self.assertIn('eventlet: the page says test_b fails, the report '
                      'does not', found)
        self.assertIn('eventlet: test_c fails but the page does not say so',
                      found)

    def test_wrong_counts_found(self):
        threading = _report('threading', test_a='failed', test_b='passed',
                            test_c='passed')
        found = results_page.disagreements(PAGE, [threading, EVENTLET])
        self.assertEqual(1, len(found), found)
        self.assertIn('the page counts', found[0])

    def test_mode_without_report_found(self):
        found = results_page.disagreements(PAGE, [THREADING])
        self.assertIn("test_b: the page names mode 'eventlet', no report "
                      "has it", found)

    def test_terms_outside_the_failures_section_ignored(self):
        page = PAGE.replace('The failures\n============',
                            'Notes\n=====')
        found = results_page.disagreements(page, [THREADING])
        self.assertIn('threading: test_a fails but the page does not say so',
                      found)

    def test_exit_status(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        page = os.path.join(tmp, 'page.rst')
        with open(page, 'w') as f:
            f.write(PAGE)
        paths = []
        for data in (THREADING, EVENTLET):
            paths.append(os.path.join(tmp, data['mode'] + '.json'))
            with open(paths[-1], 'w') as f:
                json.dump(data, f)
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', open(os.devnull,
                                                                'w')))
        self.assertEqual(0, results_page.main([page] + paths))
        stderr = self.useFixture(fixtures.StringStream('stderr')).stream
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        self.assertEqual(1, results_page.main([page, paths[0]]))
        self.assertEqual(2, results_page.main([page, tmp + '/missing']))
        stderr.seek(0)
        self.assertIn('bad input', stderr.read())
