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
from watcher_conformance.tests.threadpool import base

FEATURE = 'threadpool.statistics'


class StatisticsTest(base.ThreadPoolTestCase):

    @catalogue.check('7df3b078-72f0-4346-a708-d4a35f4076b3', MUST, """
        The pool's statistics MUST count every executed task, and count
        the tasks that raised as failures.""", feature=FEATURE)
    def test_statistics_count_executed_and_failed_tasks(self):
        before = self.pool.statistics
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
        self.assertEqual(5, after.executed - before.executed)
        self.assertEqual(2, after.failures - before.failures)


def _fail():
    raise ValueError('task failed on purpose')
