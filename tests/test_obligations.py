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

"""Every obligation of the contract has a check, and every check names the
obligations it judges (doc/source/check-design.rst)."""

from tests import base
from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance import obligations

CHECKS = catalogue.collect()
OBLIGATIONS = obligations.collect()


class ObligationsTest(base.TestCase):

    def test_every_obligation_has_a_check(self):
        covered = {o for c in CHECKS for o in c.covers}
        self.assertEqual([], sorted(set(OBLIGATIONS) - covered))

    def test_every_must_check_covers_an_obligation(self):
        self.assertEqual([], [c.test for c in CHECKS
                              if c.level == contract.MUST and not c.covers])

    def test_checks_cover_obligations_of_their_own_area(self):
        self.assertEqual([], ['%s covers %s' % (c.test, o) for c in CHECKS
                              for o in c.covers
                              if OBLIGATIONS[o].area != c.area])

    def test_an_obligation_of_a_feature_is_checked_only_under_it(self):
        # A check of a feature's promise must skip for an implementation
        # that does not claim the feature.
        self.assertEqual([], ['%s covers %s without needing %s' % (
            c.test, o, OBLIGATIONS[o].feature) for c in CHECKS
            for o in c.covers if OBLIGATIONS[o].feature
            and c.feature != OBLIGATIONS[o].feature])

    def test_features_and_policies_named_exist(self):
        wrong = []
        for o in OBLIGATIONS.values():
            if o.feature and o.feature not in contract.FEATURES:
                wrong.append('%s: feature %s' % (o.id, o.feature))
            if o.policy:
                name, _, value = o.policy.partition('=')
                if value not in contract.POLICIES.get(name, ()):
                    wrong.append('%s: policy %s' % (o.id, o.policy))
        self.assertEqual([], wrong)


class RegistryTest(base.TestCase):

    def test_malformed_obligations_are_refused(self):
        self.assertRaises(obligations.ObligationError, obligations.must,
                          'Threadpool.Submit', 'It MUST work.')
        self.assertRaises(obligations.ObligationError, obligations.must,
                          'threadpool.submit.result', 'It works.')

    def test_a_check_covering_an_unknown_obligation_is_refused(self):
        self.assertRaises(catalogue.CatalogueError, catalogue.check,
                          '00000000-0000-4000-8000-000000000000',
                          contract.MUST, 'It MUST work.',
                          covers=('threadpool.no.such',))
