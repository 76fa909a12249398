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

"""The catalogue: ids, levels and descriptions of every check."""

import collections

from tests import base
from watcher_conformance import catalogue
from watcher_conformance import contract


def _test_method():
    pass


class CatalogueTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.checks = catalogue.collect()

    def test_threadpool_area_has_at_least_25_checks(self):
        self.assertGreaterEqual(
            sum(1 for c in self.checks if c.area == 'threadpool'), 25)

    def test_ids_and_test_names_are_unique(self):
        for key in ('id', 'test'):
            counts = collections.Counter(getattr(c, key) for c in self.checks)
            self.assertEqual([], [k for k, n in counts.items() if n > 1])

    def test_every_check_has_level_and_rfc2119_description(self):
        for c in self.checks:
            self.assertIn(c.level, contract.LEVELS)
            self.assertIn(c.level, c.description)

    def test_check_rejects_malformed_metadata(self):
        bad = [('not-a-uuid', contract.MUST, 'It MUST work.', None),
               ('7AF5CE17-9F0B-4B3B-9B87-3C58FCCD44E1', contract.MUST,
                'It MUST work.', None),
               ('7af5ce17-9f0b-4b3b-9b87-3c58fccd44e1', 'MAY',
                'It MAY work.', None),
               ('7af5ce17-9f0b-4b3b-9b87-3c58fccd44e1', contract.MUST,
                'It SHOULD work.', None),
               ('7af5ce17-9f0b-4b3b-9b87-3c58fccd44e1', contract.MUST,
                'It MUST work.', 'no.such.feature')]
        for args in bad:
            self.assertRaises(catalogue.CatalogueError, catalogue.check,
                              *args)

    def test_idempotent_id_is_visible_in_test_ids(self):
        test_id = ('x.Y.test_z[id-7af5ce17-9f0b-4b3b-9b87-3c58fccd44e1,'
                   'must]')
        self.assertEqual('7af5ce17-9f0b-4b3b-9b87-3c58fccd44e1',
                         catalogue.idempotent_id(test_id))
        self.assertIsNone(catalogue.idempotent_id('x.Y.test_z'))
