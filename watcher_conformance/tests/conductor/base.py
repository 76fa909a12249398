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

"""What every conductor check builds on."""

import json
import os
import time
import uuid

import fixtures

from watcher_conformance import base
from watcher_conformance.conductor import operations
from watcher_conformance import contract
from watcher_conformance.fixtures import database


class ConductorTestCase(base.ConformanceTestCase):
    """The conductor in ``self.conductor``, serving the suite's operations
    journaled in ``self.journal`` (gates opened at cleanup)."""

    piece_name = 'conductor'

    def settings(self):
        self.database_url = self.useFixture(
            database.Database(self.conf.database_url)).url
        self.coordination_url = (self.conf.coordination_url or 'file://'
                                 + self.useFixture(fixtures.TempDir()).path)
        self.member = 'conformance-' + uuid.uuid4().hex[:8]
        return contract.Settings(
            mode=self.mode, max_workers=self.conf.max_workers,
            database_url=self.database_url,
            coordination_url=self.coordination_url, member=self.member)

    def setUp(self):
        super().setUp()
        self.workers = self.conf.max_workers
        self.journal = operations.Journal(
            self.useFixture(fixtures.TempDir()).path,
            2 * self.conf.wait_timeout)
        self.conductor = self.piece
        with self.bounded('serve()'):
            self.conductor.serve(operations.operations(self.journal))

    def submit(self, resource, operation, tag, blocking=False, **params):
        with self.bounded('submit(%s, %s)' % (resource, operation)):
            return self.conductor.submit(resource, operation,
                                         dict(params, tag=tag),
                                         blocking=blocking)

    def results(self, futures):
        with self.bounded('the operations'):
            return [f.result(self.conf.wait_timeout) for f in futures]

    def wait_until(self, predicate, what, seconds=None):
        """Poll *predicate* (bounded by *seconds*, default wait_timeout):
        the states of other processes and of the database can only be
        polled."""
        with self.bounded(what, seconds):
            while not predicate():
                time.sleep(0.002)

    def states(self):
        with self.bounded('states()'):
            return self.conductor.states()

    def start_worker(self, member, plan, coordination_url, then='wait'):
        """A conductor process of its own (same mode, same implementation,
        same database and journal) that submits *plan* once the gate
        ``start`` opens."""
        return self.start_process(
            'watcher_conformance.tools.conductor_worker',
            '--database-url', self.database_url,
            '--coordination-url', coordination_url, '--member', member,
            '--journal-dir', self.journal.directory,
            '--plan', json.dumps(plan), '--then', then,
            '--max-workers', str(self.workers))

    @property
    def process_bound(self):
        """Seconds a process may take to start and get somewhere: Python
        starting is no event a correct implementation controls."""
        return self.conf.test_timeout / 2

    def submitted(self, member):
        return os.path.exists(os.path.join(self.journal.directory,
                                           'submitted-' + member))
