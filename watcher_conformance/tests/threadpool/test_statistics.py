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

"""statistics: what the pool has done."""

import time

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base

FEATURE = 'threadpool.statistics'


class StatisticsTest(base.ThreadPoolTestCase):

    @catalogue.check(
        '7df3b078-72f0-4346-a708-d4a35f4076b3', MUST, """
        The pool's statistics MUST count every executed task, and count
        the tasks that raised as failures, from zero.""", feature=FEATURE,
        covers=('threadpool.statistics.executed',
                'threadpool.statistics.failures',
                'threadpool.statistics.fresh_at_zero'))
    def test_statistics_count_executed_and_failed_tasks(self):
        before = self.pool.statistics
        self.assertEqual((0, 0), (before.executed, before.failures),
                         'a pool that ran no task reports executed %d and '
                         'failures %d; the contract demands zero'
                         % (before.executed, before.failures))
        futures = self.submit_values(range(3)) + [
            self.submit(_fail) for _ in range(2)]
        self.wait_done(futures)
        # Statistics may be updated just after the futures complete (in
        # futurist, by a done-callback): wait, bounded, for the count.
        deadline = time.monotonic() + self.conf.wait_timeout
        while (self.pool.statistics.executed - before.executed < 5
               and time.monotonic() < deadline):
            time.sleep(0.001)
        after = self.pool.statistics
        self.assertEqual(5, after.executed - before.executed,
                         'after 3 tasks returned and 2 raised, executed grew '
                         'by %d; the contract demands 5'
                         % (after.executed - before.executed))
        self.assertEqual(2, after.failures - before.failures,
                         'after 2 tasks raised, failures grew by %d; the '
                         'contract demands 2'
                         % (after.failures - before.failures))

    @catalogue.check(
        '4731e6aa-273f-4242-821c-40bdde956687', MUST, """
        The pool's statistics MUST NOT count a task cancelled before it
        started, neither as executed nor as a failure.""", feature=FEATURE,
        covers=('threadpool.statistics.not_cancelled',))
    def test_statistics_do_not_count_cancelled_tasks(self):
        before = self.pool.statistics
        gate, in_flight = self.gate(), probes.InFlight()
        running = [self.submit_gated(gate, i, in_flight)
                   for i in range(self.workers)]
        self.assertTrue(in_flight.wait_running(self.workers,
                                               self.conf.wait_timeout))
        queued = [self.submit(_fail) for _ in range(2)]
        self.assertEqual([True, True], [f.cancel() for f in queued],
                         'queued futures could not be cancelled')
        gate.open()
        self.wait_done(running)
        deadline = time.monotonic() + self.conf.wait_timeout
        while (self.pool.statistics.executed - before.executed
               < self.workers and time.monotonic() < deadline):
            time.sleep(0.001)
        # Watch for a late count of the cancelled tasks (must not come).
        probes.settle(self.conf.quiescence_window)
        after = self.pool.statistics
        executed, failures = (after.executed - before.executed,
                              after.failures - before.failures)
        self.assertEqual(
            (self.workers, 0), (executed, failures),
            '%d tasks ran and returned, 2 queued ones (that would raise) '
            'were cancelled: executed grew by %d and failures by %d; the '
            'contract demands %d and 0'
            % (self.workers, executed, failures, self.workers))


def _fail():
    raise ValueError('task failed on purpose')
