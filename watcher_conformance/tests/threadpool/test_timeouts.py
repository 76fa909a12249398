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

import collections
import time

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base

FEATURE = 'threadpool.futures_timeout'
# Short, because a correct implementation returns after exactly this long;
# the checks never depend on it being long enough for anything.
TIMEOUT = 0.05
# The per-wait check needs futures to finish within the timeout: a long
# one, and a callback slower than it (the fault kind "slow"), with the
# next future finishing a little after that callback returns.
LONG_TIMEOUT = 0.3
SLOW_CALLBACK = LONG_TIMEOUT + 0.05
LATE_FINISH = 0.05


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
        futures.""", feature=FEATURE, covers=('threadpool.timeout.returns',))
    def test_returns_when_no_future_finishes_in_time(self):
        self.assert_returns_on_timeout(base.COPY)

    @catalogue.check('799e6cb5-91c0-4afe-9442-c7b7cbadd2b1', MUST, """
        do_while_futures_modify(..., futures_timeout=T) MUST return when no
        future finishes within T seconds, without calling back unfinished
        futures.""", feature=FEATURE, covers=('threadpool.timeout.returns',))
    def test_returns_when_no_future_finishes_in_time_modify(self):
        self.assert_returns_on_timeout(base.MODIFY)

    @catalogue.check(
        'b6f95b27-19e6-46f0-9464-5f9d1a78f8ae', MUST, """
        Before returning on futures_timeout, do_while_futures MUST have
        called back every future that did finish.""", feature=FEATURE,
        covers=('threadpool.timeout.finished_called_back',))
    def test_finished_futures_are_called_back_before_a_timeout(self):
        done = self.submit_values(range(2))
        self.wait_done(done)
        gate, running, _ = self.stuck_futures()
        seen = []
        self.do_while(base.COPY, done + running, seen.append,
                      futures_timeout=TIMEOUT)
        self.assertCountEqual(done, seen)
        gate.open()

    @catalogue.check(
        'a5036efe-34b1-45f4-b2e3-a1c1b50a29c6', MUST, """
        On futures_timeout, do_while_futures MUST cancel the futures whose
        tasks have not started, MUST NOT call them back, MUST NOT cancel
        running ones, and MUST leave the caller's collection
        unchanged.""", feature=FEATURE,
        covers=('threadpool.timeout.cancels_queued',
                'threadpool.timeout.keeps_running',
                'threadpool.timeout.no_callback_for_cancelled',
                'threadpool.timeout.copy_untouched'))
    def test_timeout_cancels_futures_not_started(self):
        gate, running, waiting = self.stuck_futures(queued=2)
        collection = running + waiting
        seen = []
        self.do_while(base.COPY, collection, seen.append,
                      futures_timeout=TIMEOUT)
        self.assertEqual([True, True], [f.cancelled() for f in waiting],
                         'queued futures were not cancelled')
        self.assertEqual([False] * self.workers,
                         [f.cancelled() for f in running],
                         'running futures were cancelled')
        self.assertEqual([], seen, 'on a timeout, %d futures were called '
                         'back (%d of them cancelled); the contract demands '
                         'no callback for unfinished or cancelled futures'
                         % (len(seen), len([f for f in seen
                                            if f.cancelled()])))
        self.assertEqual(running + waiting, collection,
                         'do_while_futures changed the caller\'s list on a '
                         'timeout')
        gate.open()
        self.wait_done(running)
        self.assertEqual(list(range(self.workers)),
                         [f.result() for f in running])

    @catalogue.check(
        'b8367a3d-6cc8-42e4-b4e3-66ff0f9274c2', MUST, """
        After returning on futures_timeout, do_while_futures_modify MUST
        leave in the collection exactly the futures it did not call back,
        the running ones and those it cancelled, so the caller knows what
        is missing.""", feature=FEATURE,
        covers=('threadpool.timeout.modify_leaves_uncalled',
                'threadpool.timeout.no_callback_for_cancelled'))
    def test_timeout_leaves_unfinished_futures_in_collection(self):
        done = self.submit_values(range(2))
        self.wait_done(done)
        gate, running, waiting = self.stuck_futures(queued=2)
        collection = done + running + waiting
        seen = []
        self.do_while(base.MODIFY, collection, seen.append,
                      futures_timeout=TIMEOUT)
        name = base.names(done + running + waiting)
        self.assertEqual(
            collections.Counter(done), collections.Counter(seen),
            'on a timeout over 2 finished, %d running and 2 queued futures, '
            'the callbacks were %s; the contract demands the finished ones '
            'only' % (self.workers, sorted(map(name, seen))))
        self.assertEqual(
            collections.Counter(running + waiting),
            collections.Counter(collection),
            'after the timeout the collection held %s (cancelled: %s); the '
            'contract demands exactly those not called back, running (%s) '
            'and cancelled (%s)'
            % (sorted(map(name, collection)),
               sorted(name(f) for f in collection if f.cancelled()),
               sorted(map(name, running)), sorted(map(name, waiting))))
        gate.open()

    @catalogue.check(
        '7c1a326c-edc3-4595-9cdc-b7126c1eb5b3', MUST, """
        futures_timeout MUST bound each wait for the next future, counted
        afresh when the callbacks return: a callback slower than T, followed
        by a future finishing within T, MUST NOT end do_while_futures or
        do_while_futures_modify.""", feature=FEATURE,
        covers=('threadpool.timeout.per_wait',))
    def test_timeout_counts_only_waiting_time(self):
        for variant in (base.COPY, base.MODIFY):
            gate = self.gate()
            first = self.submit(lambda: 'first')
            second = self.submit(_finish_late, gate, LATE_FINISH)
            seen = []

            def callback(future):
                seen.append(future)
                if future is first:
                    # A slow callback (the scenario, not a synchronisation):
                    # the next future finishes a little after it returns.
                    time.sleep(SLOW_CALLBACK)
                    gate.open()
            started = time.monotonic()
            self.do_while(variant, [first, second], callback,
                          futures_timeout=LONG_TIMEOUT)
            took = time.monotonic() - started
            self.assertEqual(
                [first, second], seen,
                '%s(futures_timeout=%.2f): the first callback took %.2f s '
                'and the second future finished %.2f s after it returned; '
                'the call returned after %.2f s with %d callbacks; the '
                'contract demands the timeout count only waiting, afresh '
                'after the callbacks' % (variant, LONG_TIMEOUT, SLOW_CALLBACK,
                                         LATE_FINISH, took, len(seen)))

    @catalogue.check(
        '013863f5-b730-4c20-94ab-ea9ace96bfd0', MUST, """
        futures_timeout=0 MUST NOT wait: do_while_futures and
        do_while_futures_modify MUST call back the futures already finished
        and return at once, cancelling those not started, as on any
        timeout.""", feature=FEATURE,
        covers=('threadpool.timeout.zero',
                'threadpool.timeout.finished_called_back',
                'threadpool.timeout.cancels_queued',
                'threadpool.timeout.keeps_running'))
    def test_zero_timeout_does_not_wait(self):
        finished = self.submit_values(range(4))
        self.wait_done(finished)
        gate, running, _ = self.stuck_futures()
        for variant, done in ((base.COPY, finished[:2]),
                              (base.MODIFY, finished[2:])):
            waiting = self.submit(lambda: 'queued')
            seen = []
            thread, outcome = self.start_do_while(
                variant, done + running + [waiting], seen.append,
                futures_timeout=0)
            thread.join(self.conf.wait_timeout)
            self.assertFalse(
                thread.is_alive(), '%s(futures_timeout=0) over 2 finished '
                'and %d held futures had not returned after %.1f s; the '
                'contract demands 0 mean "do not wait", not "no timeout"'
                % (variant, len(running) + 1, self.conf.wait_timeout))
            self.assertNotIn('error', outcome)
            self.assertEqual(collections.Counter(done),
                             collections.Counter(seen),
                             '%s(futures_timeout=0) called back %d futures; '
                             'the contract demands the 2 finished ones'
                             % (variant, len(seen)))
            self.assertTrue(waiting.cancelled(),
                            '%s(futures_timeout=0) left a queued future '
                            'uncancelled' % variant)
            self.assertEqual([False] * self.workers,
                             [f.cancelled() for f in running])
        gate.open()
        self.wait_done(running)


def _finish_late(gate, delay):
    if not gate.wait():
        raise base.TimedOut('gate not opened within %.1f s' % gate.timeout)
    time.sleep(delay)  # slow but within the timeout: the scenario
    return 'second'
