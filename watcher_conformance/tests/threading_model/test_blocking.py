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

"""Blocking calls: a call that blocks in C stalls every green thread unless
it is offloaded."""

import threading

from eventlet import patcher

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.threading_model import base

#: Seconds the blocking call takes.
BLOCK = 0.2


def _blocking_call():
    # The real time.sleep, which eventlet cannot turn green: a stand-in for
    # a MySQL driver's query.
    patcher.original('time').sleep(BLOCK)
    return 'done'


class _Refused(Exception):
    """What the offloaded call raises: the caller must get this object."""


def _echo(*args):
    return args


def _refuse(error):
    raise error


class OffloadResultTest(base.ThreadingModelTestCase):

    piece_name = 'primitives'

    @catalogue.check('84b0473f-6b28-4530-a93d-399f15e85fa0', MUST, """
        offload(fn, *args) MUST call fn with exactly those arguments and
        return what it returns, in every mode.""",
                     covers=('threading_model.offload.result',))
    def test_offload_returns_the_result(self):
        with self.bounded('offload()'):
            self.assertEqual((1, 'two', None),
                             self.piece.offload(_echo, 1, 'two', None),
                             'what offload(fn, 1, "two", None) returned '
                             '(expected fn\'s result, observed second)')

    @catalogue.check('7e2bcc43-bb7c-4c92-ad82-709f58390351', MUST, """
        offload(fn, *args) MUST raise in its caller the very exception fn
        raised, and offloading MUST still work afterwards.""",
                     covers=('threading_model.offload.original_exception',
                             'threading_model.offload.usable_after_error'))
    def test_offload_raises_the_original_exception(self):
        error = _Refused('refused on purpose')
        with self.bounded('offload()'):
            try:
                self.piece.offload(_refuse, error)
            except _Refused as exc:
                raised = exc
            else:
                raised = None
            self.assertIs(error, raised, 'offload() raised %r; the '
                          'contract demands the very exception fn raised'
                          % (raised,))
            self.assertEqual((3,), self.piece.offload(_echo, 3),
                             'offload() after a call that raised')

    @catalogue.check('a3c7f24d-da37-4340-af82-26db1d94805a', MUST, """
        Two calls offloaded at the same time by two threads MUST run at the
        same time: offload MUST NOT serialise them.""",
                     covers=('threading_model.offload.concurrent',))
    def test_offloaded_calls_run_concurrently(self):
        # Each offloaded call waits for the other: serialised, the first
        # gives up after wait_timeout and the second finds the meeting
        # broken. The barrier is native: under eventlet, offloaded calls
        # run in native threads.
        native = (patcher.original('threading') if self.mode == 'eventlet'
                  else threading)
        barrier = native.Barrier(2)

        def meet():
            try:
                barrier.wait(self.conf.wait_timeout)
            except native.BrokenBarrierError:
                return 'alone'
            return 'met'
        outcomes = [self.start_thread(self.piece.offload, meet)[1]
                    for _ in range(2)]
        with self.bounded('two offloaded calls', 3 * self.conf.wait_timeout):
            met = [self.finish(outcome, 'offload()') for outcome in outcomes]
        self.assertEqual(['met', 'met'], met, 'two calls offloaded at once '
                         '(expected first, observed second: "alone" is a '
                         'call that waited %.1f s for the other in vain); '
                         'the contract demands they run at the same time'
                         % self.conf.wait_timeout)


class OffloadTest(base.EventletOnly, base.ThreadingModelTestCase):

    piece_name = 'primitives'

    def ticks_during(self, call):
        """What *call* returns, and how many times another green thread
        ran while it did."""
        with self.ticking(lambda: 0) as ticker:
            before = len(ticker.notes)
            with self.bounded('the blocking call'):
                result = call()
            ran = len(ticker.notes) - before
        return result, ran

    @catalogue.check('026f5195-1c73-498b-b187-297c87283cba', MUST, """
        Under eventlet, a call that blocks in C, offloaded, MUST let the
        other green threads run while it blocks.""",
                     covers=('threading_model.offload.no_stall',))
    def test_offloaded_blocking_call_does_not_stall(self):
        _, stalled = self.ticks_during(_blocking_call)
        self.assertProvoked(stalled == 0, 'a stall by a blocking call')
        result, ran = self.ticks_during(
            lambda: self.piece.offload(_blocking_call))
        self.assertEqual('done', result, 'what the offloaded call returned')
        self.assertGreater(ran, 0, 'observed no other green thread run '
                           'during the offloaded call of %.1f s; the '
                           'contract demands that they run' % BLOCK)
