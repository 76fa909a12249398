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

"""Behaviour of the reference's locks, offloading and audit executor beyond
what the suite checks."""

import fixtures

from reference import primitives
from tests import base
from watcher_conformance import probes


class PrimitivesTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.primitives = primitives.Primitives()

    def test_reentry_refused_with_the_lock_name(self):
        with self.primitives.lock('twice'):
            error = self.assertRaises(primitives.LockReentry,
                                      self.primitives.lock('twice').__enter__)
        self.assertIn("'twice'", str(error))

    def test_lock_free_again_after_reentry_error(self):
        with self.primitives.lock('again'):
            self.assertRaises(primitives.LockReentry,
                              self.primitives.lock('again').__enter__)
        with self.primitives.lock('again'):
            pass

    def test_external_lock_uses_default_path(self):
        path = self.useFixture(fixtures.TempDir()).path
        with primitives.Primitives(lock_path=path).lock('ext',
                                                        external=True):
            pass

    def test_offload_returns_the_result(self):
        self.assertEqual(6, self.primitives.offload(sum, [1, 2, 3]))


class TickerTest(base.TestCase):

    def test_stride_counts_work_between_notes(self):
        done = [0]
        with probes.Ticker(lambda: done[0]) as ticker:
            done[0] = 7
        self.assertEqual(7, ticker.longest_stride)
