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
        other green threads run while it blocks.""")
    def test_offloaded_blocking_call_does_not_stall(self):
        _, stalled = self.ticks_during(_blocking_call)
        self.assertProvoked(stalled == 0, 'a stall by a blocking call')
        result, ran = self.ticks_during(
            lambda: self.piece.offload(_blocking_call))
        self.assertEqual('done', result)
        self.assertGreater(ran, 0, 'no other green thread ran during the '
                           'offloaded call')
