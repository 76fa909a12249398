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

"""do_while_futures callbacks: each future once, future first, as soon as it
finishes, in the calling thread."""

import collections
import threading

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base


class CallbacksTest(base.ThreadPoolTestCase):

    def assert_each_future_called_back_once(self, variant):
        futures = self.submit_values(range(3 * self.workers))
        seen = []
        self.do_while(variant, list(futures), lambda f: seen.append(f))
        counts = collections.Counter(id(f) for f in seen)
        self.assertEqual({id(f) for f in futures}, set(counts),
                         'not every future was called back')
        self.assertEqual({1}, set(counts.values()),
                         'some future was called back more than once')

    @catalogue.check('f032e7b0-5024-476f-8ff2-953540476edd', MUST, """
        do_while_futures MUST call the callback exactly once for each future
        of the collection.""")
    def test_each_future_called_back_once(self):
        self.assert_each_future_called_back_once(base.COPY)

    @catalogue.check('e0c18a9c-a92c-4964-b029-97bbffad25db', MUST, """
        do_while_futures_modify MUST call the callback exactly once for each
        future of the collection.""")
    def test_each_future_called_back_once_modify(self):
        self.assert_each_future_called_back_once(base.MODIFY)

    def assert_future_comes_first(self, variant):
        futures = self.submit_values(range(self.workers))
        calls = []
        self.do_while(variant, list(futures),
                      lambda *a, **kw: calls.append((a, kw)),
                      1, 'two', key=3)
        self.assertEqual(len(futures), len(calls))
        for args, kwargs in calls:
            self.assertIn(args[0], futures,
                          'the first argument is not one of the futures')
            self.assertEqual((1, 'two'), args[1:])
            self.assertEqual({'key': 3}, kwargs)

    @catalogue.check('902e2d71-a828-417f-8037-496cd8898c6f', MUST, """
        do_while_futures(futures, fn, *args, **kwargs) MUST call
        fn(future, *args, **kwargs): the future first, then the given
        arguments.""")
    def test_callback_gets_future_then_arguments(self):
        self.assert_future_comes_first(base.COPY)

    @catalogue.check('58d2482f-98f5-4bd7-8007-9b52ea222c73', MUST, """
        do_while_futures_modify(futures, fn, *args, **kwargs) MUST call
        fn(future, *args, **kwargs): the future first, then the given
        arguments.""")
    def test_callback_gets_future_then_arguments_modify(self):
        self.assert_future_comes_first(base.MODIFY)

    def assert_callback_as_soon_as_finished(self, variant):
        # The second task finishes only once the first one's callback ran:
        # an implementation that waits for all futures first never gets
        # there, and the gate times out.
        gate = self.gate()
        first = self.submit(lambda: 'first')
        second = self.submit_gated(gate, 'second')
        order = []

        def callback(future):
            order.append(future)
            if future is first:
                gate.open()
        self.do_while(variant, [first, second], callback)
        self.assertEqual(0, gate.timed_out,
                         'the first future was not called back before the '
                         'second finished')
        self.assertEqual([first, second], order)

    @catalogue.check('67149596-16e9-4a1c-9966-6ef7b0638fa4', MUST, """
        do_while_futures MUST call the callback for a future as soon as that
        future finishes, not after the other futures finish.""")
    def test_callback_runs_as_soon_as_its_future_finishes(self):
        self.assert_callback_as_soon_as_finished(base.COPY)

    @catalogue.check('7c95c2f0-745a-414c-9fc6-82096cac39ee', MUST, """
        do_while_futures_modify MUST call the callback for a future as soon
        as that future finishes, not after the other futures finish.""")
    def test_callback_runs_as_soon_as_its_future_finishes_modify(self):
        self.assert_callback_as_soon_as_finished(base.MODIFY)

    def assert_callbacks_in_calling_thread(self, variant):
        futures = self.submit_values(range(2 * self.workers))
        threads = set()
        self.do_while(variant, list(futures),
                      lambda f: threads.add(threading.get_ident()))
        self.assertEqual({threading.get_ident()}, threads,
                         'callbacks ran outside the calling thread')

    @catalogue.check('12caa2df-2897-48ac-8c84-1257a2b08aca', MUST, """
        do_while_futures MUST run every callback in the thread that called
        it, one at a time, so that callbacks may update the caller's state
        without locks.""")
    def test_callbacks_run_in_the_calling_thread(self):
        self.assert_callbacks_in_calling_thread(base.COPY)

    @catalogue.check('66a4b24a-3fcc-4a07-8da9-8c6d886567f6', MUST, """
        do_while_futures_modify MUST run every callback in the thread that
        called it, one at a time, so that callbacks may add to the collection
        without locks.""")
    def test_callbacks_run_in_the_calling_thread_modify(self):
        self.assert_callbacks_in_calling_thread(base.MODIFY)

    @catalogue.check('29f2bf39-1230-48be-9060-54e009f41bcb', MUST, """
        Two threads calling do_while_futures on the shared pool at the same
        time MUST each get callbacks for their own futures only, each exactly
        once.""")
    def test_concurrent_callers_get_their_own_callbacks(self):
        # Both loops are made to wait at once; then the second caller's
        # future finishes first. A loop that keeps its state on the pool
        # hands it to the wrong caller.
        gate_a, gate_b = self.gate(), self.gate()
        mine, theirs = [self.submit_gated(gate_a, 'a')], [
            self.submit_gated(gate_b, 'b')]
        seen_mine, seen_theirs = probes.Recorder(), probes.Recorder()
        threads = []
        for futures, seen in ((mine, seen_mine), (theirs, seen_theirs)):
            threads.append(self.start_thread(self.pool.do_while_futures,
                                             futures, seen.add))
            self.assertTrue(probes.wait_until_blocked(
                threads[-1][0], self.conf.wait_timeout),
                'do_while_futures returned before its future finished')
        gate_b.open()
        self.assertTrue(seen_theirs.wait_for_length(1, self.conf.wait_timeout)
                        or seen_mine.items, 'no callback ran')
        gate_a.open()
        for thread, outcome in threads:
            self.join(thread, 'do_while_futures')
            self.assertNotIn('error', outcome)
        self.assertEqual(mine, seen_mine.items)
        self.assertEqual(theirs, seen_theirs.items)
