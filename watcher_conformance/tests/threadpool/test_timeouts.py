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

"""futures_timeout: no future finishing in time ends the wait."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base

FEATURE = 'threadpool.futures_timeout'
# Short, because a correct implementation returns after exactly this long;
# the checks never depend on it being long enough for anything.
TIMEOUT = 0.05


class TimeoutsTest(base.ThreadPoolTestCase):

    def stuck_futures(self, queued=0):
        """Every worker held at a gate, plus *queued* tasks behind them."""
        gate, in_flight = self.gate(), probes.InFlight()
        running = [self.submit_gated(gate, i, in_flight)
                   for i in range(self.workers)]
        self.assertTrue(in_flight.wait_running(self.workers,
                                               self.conf.wait_timeout))
        waiting = [self.submit(lambda: 'queued') for _ in range(queued)]
        return gate, running, waiting

    def assert_returns_on_timeout(self, variant):
        gate, running, _ = self.stuck_futures()
        seen = []
        self.do_while(variant, list(running), seen.append,
                      futures_timeout=TIMEOUT)
        self.assertEqual([], seen, 'unfinished futures were called back')
        gate.open()
        self.wait_done(running)

    @catalogue.check('d5be8a0a-14db-490c-b1aa-b291f1cf2f8d', MUST, """
        do_while_futures(..., futures_timeout=T) MUST return when no future
        finishes within T seconds, without calling back unfinished
        futures.""", feature=FEATURE)
    def test_returns_when_no_future_finishes_in_time(self):
        self.assert_returns_on_timeout(base.COPY)

    @catalogue.check('799e6cb5-91c0-4afe-9442-c7b7cbadd2b1', MUST, """
        do_while_futures_modify(..., futures_timeout=T) MUST return when no
        future finishes within T seconds, without calling back unfinished
        futures.""", feature=FEATURE)
    def test_returns_when_no_future_finishes_in_time_modify(self):
        self.assert_returns_on_timeout(base.MODIFY)

    @catalogue.check('b6f95b27-19e6-46f0-9464-5f9d1a78f8ae', MUST, """
        Before returning on futures_timeout, do_while_futures MUST have
        called back every future that did finish.""", feature=FEATURE)
    def test_finished_futures_are_called_back_before_a_timeout(self):
        done = self.submit_values(range(2))
        self.wait_done(done)
        gate, running, _ = self.stuck_futures()
        seen = []
        self.do_while(base.COPY, done + running, seen.append,
                      futures_timeout=TIMEOUT)
        self.assertCountEqual(done, seen)
        gate.open()

    @catalogue.check('a5036efe-34b1-45f4-b2e3-a1c1b50a29c6', MUST, """
        On futures_timeout, do_while_futures MUST cancel the futures whose
        tasks have not started, and MUST NOT cancel running
        ones.""", feature=FEATURE)
    def test_timeout_cancels_futures_not_started(self):
        gate, running, waiting = self.stuck_futures(queued=2)
        self.do_while(base.COPY, running + waiting, lambda f: None,
                      futures_timeout=TIMEOUT)
        self.assertEqual([True, True], [f.cancelled() for f in waiting],
                         'queued futures were not cancelled')
        self.assertEqual([False] * self.workers,
                         [f.cancelled() for f in running])
        gate.open()
        self.wait_done(running)

    @catalogue.check('b8367a3d-6cc8-42e4-b4e3-66ff0f9274c2', MUST, """
        After returning on futures_timeout, do_while_futures_modify MUST
        leave exactly the unfinished futures in the collection, so the
        caller knows what is missing.""", feature=FEATURE)
    def test_timeout_leaves_unfinished_futures_in_collection(self):
        done = self.submit_values(range(2))
        self.wait_done(done)
        gate, running, _ = self.stuck_futures()
        collection = done + running
        self.do_while(base.MODIFY, collection, lambda f: None,
                      futures_timeout=TIMEOUT)
        self.assertCountEqual(running, collection)
        gate.open()
