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

"""The suite catches every broken threadpool, and passes the reference."""

import testscenarios

from tests import base
from tests.broken import threadpools
from watcher_conformance import catalogue
from watcher_conformance import runner

load_tests = testscenarios.load_tests_apply_scenarios

CHECKS = {c.test.rsplit('.', 1)[-1]: c for c in catalogue.collect()
          if c.area == 'threadpool'}


class BrokenThreadPoolTest(testscenarios.WithScenarios, base.TestCase):

    scenarios = [(case.spec.rsplit(':', 1)[-1].lower(), {'case': case})
                 for case in threadpools.CASES]

    def test_suite_catches_the_defect(self):
        if self.mode not in self.case.modes:
            self.skipTest('not caught in mode %s' % self.mode)
        ids = [CHECKS[name].id for name in self.case.catches]
        statuses = runner.statuses(runner.run(self.case.spec, ids=ids,
                                              **base.FAST))
        for name in self.case.catches:
            self.assertEqual('failed', statuses.get(CHECKS[name].id),
                             '%s did not catch %s (%s)'
                             % (name, self.case.spec, self.case.defect))


class ZooCoverageTest(base.TestCase):

    def test_every_check_catches_some_broken_threadpool(self):
        # A check that no broken implementation fails cannot fail.
        caught = {name for case in threadpools.CASES
                  if self.mode in case.modes for name in case.catches}
        self.assertEqual(set(), set(CHECKS) - caught)

    def test_cases_name_existing_checks(self):
        named = {name for case in threadpools.CASES for name in case.catches}
        self.assertEqual(set(), named - set(CHECKS))


class ReferenceTest(base.TestCase):

    def test_reference_passes_every_threadpool_check(self):
        statuses = runner.statuses(runner.run('reference', area='threadpool'))
        self.assertEqual(len(CHECKS), len(statuses))
        self.assertEqual({'passed'}, set(statuses.values()), statuses)
