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

"""wait_for_all and wait_for_any on the pool."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.threadpool import base

FEATURE = 'threadpool.wait'


class WaitTest(base.ThreadPoolTestCase):

    @catalogue.check('723eadbc-04c3-43c0-b05a-63057cc053ad', MUST, """
        wait_for_all(futures, timeout=T) MUST return (done, not_done) after
        T seconds when some futures have not finished,
        without raising.""", feature=FEATURE)
    def test_wait_for_all_returns_partition_on_timeout(self):
        gate = self.gate()
        finished = self.submit_values(range(2))
        self.wait_done(finished)
        stuck = self.submit_gated(gate)
        with self.bounded('wait_for_all'):
            done, not_done = self.pool.wait_for_all(finished + [stuck],
                                                    timeout=0.05)
        self.assertEqual(set(finished), set(done))
        self.assertEqual({stuck}, set(not_done))
        gate.open()

    @catalogue.check('1f87b407-8dc9-4348-bbe3-fcb0b929e475', MUST, """
        wait_for_any(futures) MUST return as soon as one future has finished,
        with that future in done and the unfinished ones in
        not_done.""", feature=FEATURE)
    def test_wait_for_any_returns_when_one_finishes(self):
        gate = self.gate()
        stuck = self.submit_gated(gate)
        finished = self.submit(lambda: 'done')
        self.wait_done([finished])
        with self.bounded('wait_for_any'):
            done, not_done = self.pool.wait_for_any([stuck, finished])
        self.assertEqual({finished}, set(done))
        self.assertEqual({stuck}, set(not_done))
        gate.open()
