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

"""The suite catches every broken implementation, and passes the
reference."""

import testscenarios

from tests import base
from tests.broken import zoo
from watcher_conformance import catalogue
from watcher_conformance import runner

load_tests = testscenarios.load_tests_apply_scenarios

ZOOS = zoo.ZOOS
CORRECT = zoo.CORRECT
#: area -> check method name -> Check.
CHECKS = {area: {c.test.rsplit('.', 1)[-1]: c for c in catalogue.collect()
                 if c.area == area} for area in ZOOS}


class BrokenImplementationTest(testscenarios.WithScenarios, base.TestCase):

    scenarios = [('%s:%s' % (area, case.spec.rsplit(':', 1)[-1].lower()),
                  {'area': area, 'case': case})
                 for area, cases in ZOOS.items() for case in cases]

    def test_suite_catches_the_defect(self):
        if self.mode not in self.case.modes:
            self.skipTest('not caught in mode %s' % self.mode)
        checks = CHECKS[self.area]
        ids = [checks[name].id for name in self.case.catches]
        statuses = runner.statuses(runner.run(self.case.spec, ids=ids,
                                              **base.FAST))
        for name in self.case.catches:
            self.assertEqual('failed', statuses.get(checks[name].id),
                             '%s did not catch %s (%s)'
                             % (name, self.case.spec, self.case.defect))


class ZooCoverageTest(testscenarios.WithScenarios, base.TestCase):

    scenarios = [(area, {'area': area}) for area in ZOOS]

    def test_every_check_catches_some_broken_implementation(self):
        # A check that no broken implementation fails cannot fail. A check
        # that only exists in one mode (yielding, under eventlet) is caught
        # in that mode: the scenarios above run each case in its modes.
        caught = {name for case in ZOOS[self.area] for name in case.catches}
        self.assertEqual(set(), set(CHECKS[self.area]) - caught)

    def test_cases_name_existing_checks(self):
        named = {name for case in ZOOS[self.area] for name in case.catches}
        self.assertEqual(set(), named - set(CHECKS[self.area]))


class ZooTest(base.TestCase):

    def test_every_area_has_a_zoo(self):
        areas = {c.area for c in catalogue.collect()}
        self.assertEqual(areas, set(ZOOS))

    def test_zoo_holds_at_least_30_defects(self):
        self.assertGreaterEqual(len(zoo.defects()), 30)

    def test_defects_are_distinct(self):
        specs = [case.spec for _, case in zoo.defects()]
        self.assertEqual(len(specs), len(set(specs)))


class CorrectImplementationTest(testscenarios.WithScenarios, base.TestCase):

    # The reference is judged whole by tox -e conformance, in both modes:
    # not again here.
    scenarios = [('%s:%s' % (area, spec.lower()),
                  {'spec': spec, 'area': area}) for spec, area in CORRECT
                 if spec != 'reference']

    def test_passes_every_check_of_the_area(self):
        # Checks of the policy it does not follow skip; none may fail.
        if self.mode not in zoo.ONLY_IN.get((self.spec, self.area),
                                            (self.mode,)):
            self.skipTest('no check of %s applies in mode %s'
                          % (self.area, self.mode))
        statuses = runner.statuses(runner.run(self.spec, area=self.area))
        self.assertEqual(len(CHECKS[self.area]), len(statuses))
        self.assertEqual(set(), set(statuses.values()) - {'passed',
                                                          'skipped'},
                         statuses)
        self.assertIn('passed', statuses.values())
