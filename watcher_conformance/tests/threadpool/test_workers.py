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

"""The worker bound: exactly the configured number of tasks at once."""

import threading

from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base


#: The smallest worker count the contract allows (the max_workers option
#: is at least 2): the bound is also checked at this size, so a pool sized
#: by a default (upstream's is 4, the option's default too) cannot pass.
SMALLEST = 2


class BoundTestCase(base.ThreadPoolTestCase):
    """The worker-bound scenarios, for any W."""

    def fill_workers(self, extra=0):
        """Occupy every worker with a task held at a gate; queue *extra*."""
        gate, in_flight = self.gate(), probes.InFlight()
        futures = [self.submit_gated(gate, i, in_flight)
                   for i in range(self.workers + extra)]
        started = in_flight.wait_running(self.workers, self.conf.wait_timeout)
        return gate, in_flight, futures, started

    def assert_all_workers_run_at_once(self):
        gate, in_flight, futures, started = self.fill_workers()
        self.assertTrue(started, 'built with Settings.max_workers = %d, only '
                        '%d tasks waiting for each other ran at once; the '
                        'contract demands %d' % (self.workers, in_flight.peak,
                                                 self.workers))
        gate.open()
        self.wait_done(futures)

    def assert_never_more_tasks_than_workers(self):
        gate, in_flight, futures, started = self.fill_workers(
            extra=self.workers)
        self.assertTrue(started, 'built with Settings.max_workers = %d, only '
                        '%d tasks ran at once' % (self.workers,
                                                  in_flight.peak))
        probes.settle(self.conf.quiescence_window)
        self.assertEqual(self.workers, in_flight.peak,
                         '%d tasks ran at once in a pool built with '
                         'Settings.max_workers = %d; the contract demands '
                         'no more' % (in_flight.peak, self.workers))
        gate.open()
        self.wait_done(futures)
        self.assertEqual(self.workers, in_flight.peak)
        self.assertEqual(list(range(2 * self.workers)),
                         [f.result() for f in futures])


class WorkersTest(BoundTestCase):

    @catalogue.check(
        'c7f7e324-cc1a-4961-ad7a-0b6f253d3841', MUST, """
        A pool configured with W workers MUST run W tasks at the same time
        when W tasks are waiting for each other.""",
        covers=('threadpool.workers.all_run',))
    def test_all_configured_workers_run_at_once(self):
        self.assert_all_workers_run_at_once()

    @catalogue.check('9881463f-56e8-4159-a7f0-96926999e957', MUST, """
        A pool configured with W workers MUST NOT run more than W tasks at
        the same time.""", covers=('threadpool.workers.bound',))
    def test_never_more_tasks_than_workers(self):
        self.assert_never_more_tasks_than_workers()

    @catalogue.check(
        'c14a4b24-4510-4ab5-819b-a77e7afc6d04', MUST, """
        When every worker is busy, submit MUST queue the task and return at
        once; the task MUST then run on a worker, not in the caller.""",
        covers=('threadpool.submit.queues_when_busy',
                'threadpool.submit.runs_on_worker'))
    def test_submit_queues_when_workers_are_busy(self):
        gate, in_flight, futures, started = self.fill_workers()
        self.assertTrue(started)
        extra = self.submit(threading.get_ident)
        self.assertFalse(extra.done(),
                         'a task submitted while every worker was busy ran '
                         'before any worker was free')
        gate.open()
        self.wait_done(futures + [extra])
        self.assertNotEqual(threading.get_ident(), extra.result(),
                            'the task ran in the thread that submitted it')

    @catalogue.check(
        'ee20bed4-ae5a-438c-83ea-36e7b0468e63', MUST, """
        A task that raises MUST NOT cost the pool a worker: after tasks
        failed, W tasks MUST still run at the same time.""",
        covers=('threadpool.workers.failure_keeps_worker',))
    def test_failing_tasks_do_not_shrink_the_pool(self):
        failing = [self.submit(_fail) for _ in range(2 * self.workers)]
        self.wait_done(failing)
        gate, in_flight, futures, started = self.fill_workers()
        self.assertTrue(started, 'after failing tasks only %d of %d tasks '
                        'ran at once' % (in_flight.peak, self.workers))
        gate.open()
        self.wait_done(futures)


class TwoWorkersTest(BoundTestCase):
    """The bound of a pool built with Settings.max_workers = 2, whatever
    the max_workers option says."""

    def settings(self):
        return contract.Settings(mode=self.mode, max_workers=SMALLEST)

    def setUp(self):
        super().setUp()
        self.workers = SMALLEST

    @catalogue.check(
        'eeefd4e0-7eb6-4c1e-bb21-ff8e74588fb2', MUST, """
        A pool built with Settings.max_workers = 2 MUST run 2 tasks at the
        same time when 2 tasks are waiting for each other: its size comes
        from the Settings, not from a default.""",
        covers=('threadpool.workers.all_run',
                'threadpool.workers.configured_size'))
    def test_two_workers_run_at_once(self):
        self.assert_all_workers_run_at_once()

    @catalogue.check(
        'bd1c8270-fe06-42ad-8d72-b940568ce149', MUST, """
        A pool built with Settings.max_workers = 2 MUST NOT run more than 2
        tasks at the same time: its size comes from the Settings, not from
        a default.""",
        covers=('threadpool.workers.bound',
                'threadpool.workers.configured_size'))
    def test_never_more_than_two_tasks(self):
        self.assert_never_more_tasks_than_workers()


def _fail():
    raise ValueError('task failed on purpose')
