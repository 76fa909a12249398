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

"""mutation-auto's own table and its committed survivors."""

import os

from tests import base
from tests.mutants import survivors
from tests.mutants import targets
from watcher_conformance import catalogue
from watcher_conformance import modes

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The reference modules the issue names; each must be some target's.
MODULES = ('threadpool', 'builder', 'model', 'collector', 'applier',
           'primitives', 'audits', 'conductor')


class TargetsTest(base.TestCase):

    def test_every_named_module_is_mutated(self):
        self.assertEqual(set(MODULES), set(targets.TARGETS))

    def test_every_mutated_file_exists(self):
        for target in targets.TARGETS.values():
            for path in target.paths:
                self.assertTrue(os.path.isfile(os.path.join(TOP, path)),
                                path)

    def test_every_target_is_judged_by_some_check(self):
        checks = catalogue.collect()
        for target in targets.TARGETS.values():
            for prefix in target.checks:
                self.assertTrue(
                    targets.check_ids(targets.Target('x', (), (prefix,)),
                                      checks), prefix)


class SurvivorsTest(base.TestCase):

    def test_every_survivor_has_a_disposition(self):
        # A survivor is a bug of the suite until a check kills it, or a
        # reason says the mutation cannot change behaviour.
        ids = {c.id for c in catalogue.collect()}
        entries = survivors.load().entries
        self.assertEqual([], survivors.problems(
            entries, ids, set(targets.TARGETS), set(modes.MODES)))

    def test_problems_are_found(self):
        entry = {'target': 'primitives', 'mode': 'threading',
                 'module': 'reference/primitives.py', 'line': 1,
                 'operator': 'core/AddNot', 'occurrence': 0, 'code': 'x'}
        self.assertEqual([], survivors.problems(
            [dict(entry, equivalent='logging only')], set(),
            {'primitives'}, {'threading'}))
        found = survivors.problems(
            [entry, dict(entry, killed_by='nosuch'),
             dict(entry, target='nosuch', equivalent='r')],
            {'some-id'}, {'primitives'}, {'threading'})
        self.assertEqual(3, len(found), found)
        self.assertIn('needs exactly one of', found[0])
        self.assertIn('killed_by names no check', found[1])
        self.assertIn('unknown target', found[2])
