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

    @catalogue.check(
        'a6ae1ae5-f65a-488d-985e-07d6ccee77e8', MUST, """
        shutdown(wait=True) MUST let running and queued tasks, whichever
        thread submitted them, complete before it returns; it MUST NOT
        abandon or cancel queued work.""", feature=FEATURE,
        covers=('threadpool.shutdown.completes_queued',))
    def test_shutdown_completes_queued_work(self):
        gate, in_flight = self.gate(), probes.InFlight()
        running = [self.submit_gated(gate, i, in_flight)
                   for i in range(self.workers)]
        self.assertTrue(in_flight.wait_running(self.workers,
                                               self.conf.wait_timeout))
        # Queued by three submitters: this thread and two others.
        queued = self.submit_values(range(self.workers, 2 * self.workers))
        for first in (2 * self.workers, 3 * self.workers):
            queued += self.finish(self.start_thread(
                self.submit_values, range(first, first + self.workers))[1],
                'submit from another thread')
        thread, outcome = self.start_shutdown()
        gate.open()
        self.join(thread, 'shutdown(wait=True)')
        self.assertNotIn('error', outcome)
        unfinished = [f for f in running + queued if not f.done()]
        self.assertEqual([], unfinished,
                         'shutdown(wait=True) returned with %d of %d tasks '
                         '(queued by 3 threads) unfinished; the contract '
                         'demands all complete first'
                         % (len(unfinished), len(running + queued)))
        self.assertEqual([False] * len(queued),
                         [f.cancelled() for f in queued])
        self.assertEqual(list(range(4 * self.workers)),
                         [f.result() for f in running + queued])

    @catalogue.check('248fdf18-e1e8-4f29-afd4-94ca3aa217ce', MUST, """
        shutdown() called without arguments MUST wait for running and
        queued tasks, as shutdown(wait=True) does.""", feature=FEATURE,
                     covers=('threadpool.shutdown.waits_by_default',))
    def test_shutdown_waits_by_default(self):
        gate = self.gate()
        futures = [self.submit_gated(gate, i) for i in range(2 * self.workers)]
        thread, _ = self.start_thread(self.pool.shutdown)
        # Watch for a return that must not come while the tasks are held.
        probes.settle(self.conf.quiescence_window)
        returned_early = not thread.is_alive()
        gate.open()
        self.join(thread, 'shutdown()')
        self.assertFalse(returned_early, 'observed shutdown() return while '
                         'every task was still held; the contract demands '
                         'that it wait, as shutdown(wait=True) does')
        self.assertEqual([], [i for i, f in enumerate(futures)
                              if not f.done()],
                         'observed shutdown() return before every task '
                         'finished; the contract demands that it wait')

    @catalogue.check(
        '97348d41-c25d-4949-9bdc-a6f282d11831', MUST, """
        submit after shutdown MUST raise RuntimeError rather than accept work
        that will never run.""", feature=FEATURE,
        covers=('threadpool.shutdown.refuses_later',))
    def test_submit_after_shutdown_raises(self):
        with self.bounded('shutdown'):
            self.pool.shutdown(wait=True)
        with self.bounded('submit after shutdown'):
            self.assertRaises(RuntimeError, self.pool.submit, lambda: None)

    @catalogue.check(
        '6a09e6c0-97ac-49d5-b5b1-5dcdea3c98cc', MUST, """
        A task that submits while shutdown(wait=True) waits for it MUST NOT
        deadlock: the submit either runs the new task or raises
        RuntimeError, and shutdown MUST return.""", feature=FEATURE,
        covers=('threadpool.shutdown.no_deadlock',))
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

    @catalogue.check(
        'ac0d9c96-00b5-40ed-9da8-e0b06bfd3f19', MUST, """
        A submit from another thread while shutdown(wait=True) waits for
        queued work MUST either raise RuntimeError or have its task complete
        before shutdown returns.""", feature=FEATURE,
        covers=('threadpool.shutdown.submit_during',
                'threadpool.shutdown.refuses_later'))
    def test_submit_from_another_thread_during_shutdown(self):
        gate, late_gate, in_flight = self.gate(), self.gate(), \
            probes.InFlight()
        running = [self.submit_gated(gate, i, in_flight)
                   for i in range(self.workers)]
        self.assertTrue(in_flight.wait_running(self.workers,
                                               self.conf.wait_timeout))
        queued = self.submit_values(range(self.workers, 2 * self.workers))
        thread, outcome = self.start_shutdown()
        # The late task is held: if it is accepted, shutdown must wait.
        submitter, submitted = self.start_thread(
            self.pool.submit, _held, late_gate, 'late')
        self.wait_blocked_or_done(submitter)
        gate.open()
        self.wait_done(running + queued)
        if not submitter.is_alive() and 'value' in submitted:
            late = submitted['value']
            # Watch whether shutdown returns while the late task is held
            # (it must not).
            thread.join(self.conf.quiescence_window)
            self.assertTrue(
                thread.is_alive() or late.done(),
                'a submit from another thread during shutdown(wait=True) '
                'was accepted, and shutdown returned while its task was '
                'still held; the contract demands the submit raise '
                'RuntimeError or its task complete before shutdown returns')
        late_gate.open()
        self.join(thread, 'shutdown(wait=True)')
        self.assertNotIn('error', outcome)
        self.join(submitter, 'submit during shutdown')
        if 'error' in submitted:
            self.assertIsInstance(
                submitted['error'], RuntimeError,
                'a submit during shutdown raised %r; the contract demands '
                'RuntimeError' % (submitted['error'],))
        else:
            late = submitted['value']
            self.assertTrue(
                late.done(), 'a submit during shutdown(wait=True) returned '
                'a future still unfinished after shutdown returned; the '
                'contract demands RuntimeError or the task complete first')
            self.assertEqual('late', late.result())


def _held(gate, value):
    if not gate.wait():
        raise base.TimedOut('gate not opened within %.1f s' % gate.timeout)
    return value
