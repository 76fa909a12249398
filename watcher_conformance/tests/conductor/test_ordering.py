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

"""Per-resource order and exclusion; parallelism across resources."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.conductor import base

RESOURCES = 10
PER_RESOURCE = 8


class OrderingTest(base.ConductorTestCase):

    @catalogue.check('05e5719c-f40c-46ee-b4b4-50afab08ed52', MUST, """
        Operations on one resource MUST run one at a time, in the order
        they were submitted, however many resources and operations
        contend.""")
    def test_per_resource_order_under_contention(self):
        # The first operation of as many resources as there are workers
        # blocks until everything is queued, each resource's operations
        # submitted in a row: then every queue drains at once (the others
        # in the caller, the pool being exhausted).
        futures = []
        for r in range(RESOURCES):
            resource = 'res-%d' % r
            for n in range(PER_RESOURCE):
                if n == 0 and r < self.workers:
                    futures.append(self.submit(resource, 'block', 'r%d-0' % r,
                                               gate='go'))
                else:
                    futures.append(self.submit(resource, 'record',
                                               'r%d-%d' % (r, n)))
        self.journal.open_gate('go')
        self.results(futures)
        self.assertEqual([], self.journal.overlaps())
        for r in range(RESOURCES):
            self.assertEqual(['r%d-%d' % (r, n) for n in range(PER_RESOURCE)],
                             self.journal.tags('start', 'res-%d' % r))

    @catalogue.check('f43f5c86-a729-4750-8d32-209cf754378f', MUST, """
        Operations on different resources MUST run at the same time, as
        many as the conductor has workers.""")
    def test_resources_run_in_parallel(self):
        futures = [self.submit('res-%d' % r, 'block', 'b%d' % r, gate='go')
                   for r in range(self.workers)]
        self.wait_until(lambda: len(self.journal.running()) >= self.workers
                        or all(f.done() for f in futures),
                        'the operations starting')
        running = len(self.journal.running())
        self.journal.open_gate('go')
        self.results(futures)
        self.assertEqual(self.workers, running,
                         '%d of %d operations on different resources ran at '
                         'once' % (running, self.workers))
