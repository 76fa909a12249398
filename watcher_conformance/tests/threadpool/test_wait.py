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

    @catalogue.check(
        '723eadbc-04c3-43c0-b05a-63057cc053ad', MUST, """
        wait_for_all(futures, timeout=T) MUST return (done, not_done) after
        T seconds when some futures have not finished,
        without raising.""", feature=FEATURE,
        covers=('threadpool.wait.all_timeout',))
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
        not_done.""", feature=FEATURE, covers=('threadpool.wait.any_first',))
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

    @catalogue.check(
        '7cb059b3-4728-4a13-941f-a5d2174357da', MUST, """
        wait_for_any(futures, timeout=T) MUST return (done, not_done), with
        every future in not_done, after T seconds when none has finished,
        without raising.""", feature=FEATURE,
        covers=('threadpool.wait.any_timeout',))
    def test_wait_for_any_returns_partition_on_timeout(self):
        gate = self.gate()
        stuck = [self.submit_gated(gate, i) for i in range(2)]
        with self.bounded('wait_for_any'):
            try:
                done, not_done = self.pool.wait_for_any(stuck, timeout=0.05)
            except Exception as exc:
                self.fail('wait_for_any(timeout=0.05) with no future '
                          'finished raised %r; the contract demands '
                          '(done, not_done) without raising' % (exc,))
        self.assertEqual((set(), set(stuck)), (set(done), set(not_done)))
        gate.open()

    @catalogue.check(
        '2e0ec1c8-57ca-4eeb-82b7-21875dcb6d73', MUST, """
        wait_for_all(futures) MUST NOT return before every future has
        finished, whatever order they finish in.""", feature=FEATURE,
        covers=('threadpool.wait.all_waits_for_every',))
    def test_wait_for_all_waits_for_every_future(self):
        # The future submitted first finishes last.
        gate = self.gate()
        last = self.submit_gated(gate, 'last')
        others = self.submit_values(range(self.workers))
        self.wait_done(others)
        thread, outcome = self.start_thread(self.pool.wait_for_all,
                                            [last] + others)
        # Watch whether it returns while one future is held (it must not).
        thread.join(self.conf.quiescence_window)
        self.assertTrue(thread.is_alive(),
                        'wait_for_all returned %r while the future '
                        'submitted first was still running; the contract '
                        'demands it wait for every future'
                        % (outcome.get('value', outcome.get('error')),))
        gate.open()
        done, not_done = self.finish(outcome, 'wait_for_all')
        self.assertEqual((set([last] + others), set()),
                         (set(done), set(not_done)))
