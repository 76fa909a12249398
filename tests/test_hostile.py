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

"""The run survives hostile implementations and says the truth about them
(tests/hostile/), in the mode of this test run."""

import os

from tests import cli
from tests import html_page


class HangTest(cli.CommandTestCase):

    def test_hang_reports_its_bound_and_every_stack(self):
        # submit() hangs inside "except Exception": the check still fails
        # with the bound's own reason, and the stacks reach every output.
        result, report = self.run_one(
            'tests.hostile.implementations:HANGS_IN_SUBMIT', self.mode)
        self.assertEqual(1, result.returncode, result.stdout[-2000:])
        test, = report['tests']
        self.assertEqual('failed', test['status'])
        self.assertIn('submit did not finish within 1.00 s', test['reason'])
        self.assertIn('_submit_hangs_swallowing', test['stacks'])
        self.assertIn('did not finish within 1.00 s', result.stdout)
        with open(os.path.join(self.reports, 'r.html')) as f:
            page = html_page.Page(f.read())
        self.assertIn('did not finish within', page.one(
            cls='reason').text)
        self.assertIn('_submit_hangs_swallowing', page.one(
            'details', cls='stacks').text)
