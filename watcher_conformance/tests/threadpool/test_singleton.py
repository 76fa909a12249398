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

"""The pool is one process-wide instance."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base


class SingletonTest(base.ThreadPoolTestCase):

    @catalogue.check(
        'e0f434e7-8b2d-4660-b337-dccb1928b081', MUST, """
        Every request for the threadpool in a process MUST return the same
        instance, so that its worker bound holds for the whole process.""",
        covers=('threadpool.singleton.same_instance',))
    def test_requests_return_the_same_pool(self):
        self.assertIs(self.pool, self.provider.get())
        self.assertIs(self.pool, self.provider.get())

    @catalogue.check(
        'ad7dafad-e206-4b77-acf6-2d97bf01c990', MUST, """
        A request for the threadpool from another thread MUST return the same
        instance as the first request.""",
        covers=('threadpool.singleton.same_across_threads',))
    def test_other_threads_get_the_same_pool(self):
        thread, outcome = self.start_thread(self.provider.get)
        self.join(thread, 'a request for the pool from another thread')
        self.assertNotIn('error', outcome)
        self.assertIs(self.pool, outcome['value'])

    @catalogue.check('aa732a95-cdd5-4809-9217-5387143b0d1b', MUST, """
        The provider's reset() MUST return without waiting for a task that
        is stuck.""", covers=('threadpool.singleton.reset_does_not_wait',))
    def test_reset_does_not_wait_for_a_stuck_task(self):
        gate, in_flight = self.gate(), probes.InFlight()
        self.submit_gated(gate, in_flight=in_flight)
        self.assertTrue(in_flight.wait_running(1, self.conf.wait_timeout),
                        'the task did not start')
        with self.bounded('reset() with a task stuck'):
            self.provider.reset()
