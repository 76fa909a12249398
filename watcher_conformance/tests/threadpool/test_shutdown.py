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

"""shutdown: queued work completes, later work is refused, nothing hangs."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base

FEATURE = 'threadpool.shutdown'


class ShutdownTest(base.ThreadPoolTestCase):

    def start_shutdown(self):
        """Call shutdown(wait=True) in another thread and return once that
        thread is blocked waiting for the work to drain."""
        thread, outcome = self.start_thread(self.pool.shutdown, True)
        self.assertTrue(probes.wait_until_blocked(thread,
                                                  self.conf.wait_timeout),
                        'shutdown(wait=True) returned while tasks were still '
                        'held at a gate')
        return thread, outcome

    @catalogue.check('a6ae1ae5-f65a-488d-985e-07d6ccee77e8', MUST, """
        shutdown(wait=True) MUST let running and queued tasks complete before
        it returns; it MUST NOT abandon or cancel queued
        work.""", feature=FEATURE)
    def test_shutdown_completes_queued_work(self):
        gate, in_flight = self.gate(), probes.InFlight()
        running = [self.submit_gated(gate, i, in_flight)
                   for i in range(self.workers)]
        self.assertTrue(in_flight.wait_running(self.workers,
                                               self.conf.wait_timeout))
        queued = self.submit_values(range(self.workers, 3 * self.workers))
        thread, outcome = self.start_shutdown()
        gate.open()
        self.join(thread, 'shutdown(wait=True)')
        self.assertNotIn('error', outcome)
        self.assertTrue(all(f.done() for f in running + queued),
                        'shutdown(wait=True) returned before queued tasks '
                        'completed')
        self.assertEqual([False] * len(queued),
                         [f.cancelled() for f in queued])
        self.assertEqual(list(range(3 * self.workers)),
                         [f.result() for f in running + queued])

    @catalogue.check('97348d41-c25d-4949-9bdc-a6f282d11831', MUST, """
        submit after shutdown MUST raise RuntimeError rather than accept work
        that will never run.""", feature=FEATURE)
    def test_submit_after_shutdown_raises(self):
        with self.bounded('shutdown'):
            self.pool.shutdown(wait=True)
        with self.bounded('submit after shutdown'):
            self.assertRaises(RuntimeError, self.pool.submit, lambda: None)

    @catalogue.check('6a09e6c0-97ac-49d5-b5b1-5dcdea3c98cc', MUST, """
        A task that submits while shutdown(wait=True) waits for it MUST NOT
        deadlock: the submit either runs the new task or raises
        RuntimeError, and shutdown MUST return.""", feature=FEATURE)
    def test_submit_from_a_task_during_shutdown_does_not_hang(self):
        gate = self.gate()

        def task():
            if not gate.wait():
                raise base.TimedOut('gate not opened')
            try:
                return self.pool.submit(lambda: 'nested')
            except RuntimeError:
                return None
        future = self.submit(task)
        thread, outcome = self.start_shutdown()
        gate.open()
        self.join(thread, 'shutdown(wait=True) while a task submitted')
        self.assertNotIn('error', outcome)
        self.wait_done([future])
        nested = future.result()
        if nested is not None:
            self.wait_done([nested])
            self.assertEqual('nested', nested.result())
