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

"""Behaviour of the reference conductor, the redis fixture and the worker
tool beyond what the suite checks."""

import subprocess
import sys

import fixtures

from reference import conductor
from tests import base
from watcher_conformance import conductor as contract
from watcher_conformance.conductor import operations
from watcher_conformance.fixtures import redis


class ConductorTest(base.TestCase):

    def setUp(self):
        super().setUp()
        directory = self.useFixture(fixtures.TempDir()).path
        self.journal = operations.Journal(directory, 5.0)
        self.conductor = conductor.Conductor(
            2, database_url='sqlite:///%s/c.db' % directory)
        self.addCleanup(self.conductor.close)
        self.conductor.serve(operations.operations(self.journal))

    def test_unknown_operation_refused(self):
        self.assertRaises(KeyError, self.conductor.submit, 'r', 'nope', {})

    def test_failed_operation_recorded_with_its_error(self):
        future = self.conductor.submit('r', 'block',
                                       {'tag': 't', 'gate': 'x'})
        self.journal.gate_timeout = 0.01
        self.assertRaises(RuntimeError, future.result, 5)
        self.assertEqual([contract.FAILED],
                         [s[4] for s in self.conductor.states()])

    def test_waiting_operation_stays_for_recovery_after_close(self):
        self.conductor.submit('r', 'not_ready', {'tag': 'w', 'gate': 'g'})
        self.journal.wait_gate('never', 0.02)
        self.conductor.close()
        self.assertIn(self.conductor.states()[0][4],
                      (contract.WAITING, contract.RUNNING))


class RedisServerTest(base.TestCase):

    def test_server_answers(self):
        if not redis.find_binary():
            self.skipTest('redis-server is not installed')
        server = self.useFixture(redis.RedisServer())
        self.assertTrue(server._answers())
        self.assertTrue(server.url.startswith('redis://127.0.0.1:'))

    def test_missing_binary_is_a_clear_error(self):
        fixture = redis.RedisServer()
        fixture.binary = None
        try:
            fixture.setUp()
        except Exception as exc:  # fixtures may wrap it: the text counts
            error = str(exc) + str(getattr(exc, 'args', ''))
        else:
            self.fail('set up without a redis-server')
        self.assertIn('redis-server is not installed', error)


class WorkerToolTest(base.TestCase):

    def test_bad_implementation_is_one_line(self):
        result = subprocess.run(
            [sys.executable, '-m', 'watcher_conformance.boot', '-m',
             'watcher_conformance.tools.conductor_worker',
             '--implementation', 'no.such:THING',
             '--database-url', 'sqlite://', '--coordination-url', 'file:///x',
             '--member', 'm', '--journal-dir', '/nonexistent', '--plan',
             '[]'], capture_output=True, text=True, timeout=60)
        self.assertEqual(2, result.returncode)
        self.assertEqual(1, len(result.stderr.strip().splitlines()),
                         result.stderr)
