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

"""Locks: no update lost under a forced interleaving, no deadlock on a
nested acquire, exclusion across processes, arrival order."""

import contextlib
import os
import time
import uuid

import fixtures

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threading_model import base

PROCESSES = 3


class LockTest(base.ThreadingModelTestCase):

    piece_name = 'primitives'

    def setUp(self):
        super().setUp()
        # Lock names are process-wide: a fresh one per test, so that no
        # test meets a lock an earlier one left held.
        self.name = 'conformance-' + uuid.uuid4().hex

    def read_modify_write(self, guard):
        """Two read-modify-writes of one counter, forced to overlap: the
        first waits after its read until the second has got as far as it
        can (blocked on the lock, or done). The final count."""
        counter = {'value': 0}
        first_read = probes.Gate(self.conf.wait_timeout)
        go_on = probes.Gate(self.conf.wait_timeout)

        def first():
            with guard():
                value = counter['value']
                first_read.open()
                go_on.wait()
                counter['value'] = value + 1

        def second():
            with guard():
                counter['value'] += 1
        one, outcome_one = self.start_thread(first)
        with self.bounded('the first read-modify-write'):
            first_read.wait()
            two, outcome_two = self.start_thread(second)
            self.wait_blocked_or_done(two)
        go_on.open()
        self.finish(outcome_one, 'the first read-modify-write')
        self.finish(outcome_two, 'the second read-modify-write')
        return counter['value']

    @catalogue.check('88994545-4352-4865-8d92-88074d17b8f8', MUST, """
        Read-modify-writes of shared state under one lock name MUST lose no
        update when they are forced to overlap.""")
    def test_lock_loses_no_update(self):
        self.assertProvoked(self.read_modify_write(contextlib.nullcontext)
                            == 1, 'a lost update without the lock')
        self.assertEqual(2, self.read_modify_write(
            lambda: self.piece.lock(self.name)),
            'an update was lost under the lock')

    @catalogue.check('b3227c85-f1f1-4422-b863-c9f4755f851b', MUST, """
        A thread taking a lock it already holds MUST NOT deadlock: the
        nested acquire MUST return or raise an error at once.""")
    def test_nested_acquire_does_not_deadlock(self):
        def nested():
            with self.piece.lock(self.name):
                try:
                    with self.piece.lock(self.name):
                        return 'entered twice'
                except Exception as exc:
                    return 'refused: %s' % exc
        thread, outcome = self.start_thread(nested)
        thread.join(self.conf.wait_timeout)
        self.assertFalse(thread.is_alive(), 'a nested acquire of the same '
                         'lock deadlocked its thread')
        self.assertIn('value', outcome, outcome)

    @catalogue.check('376ecdd1-c069-427a-a35c-af0b91cfd91c', MUST, """
        An external lock asked for without a lock path MUST be refused
        with an error that says so, not taken as a process-local lock.""",
                     feature='primitives.external_locks')
    def test_external_lock_without_path_is_refused(self):
        with self.bounded('lock(external=True)'):
            try:
                with self.piece.lock(self.name, external=True):
                    taken = True
            except Exception as exc:
                taken, error = False, str(exc)
        self.assertFalse(taken, 'the external lock was taken without a '
                         'lock path')
        self.assertIn('lock_path', error.replace(' ', '_').lower())

    def processes(self, no_lock):
        """PROCESSES processes each add 1 to a counter file, their
        read-modify-writes forced to overlap; the final count."""
        work = self.useFixture(fixtures.TempDir()).path
        locks = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(work, 'counter'), 'w') as f:
            f.write('0')
        arguments = ['--lock-path', locks, '--lock-name', self.name,
                     '--work-dir', work, '--processes', str(PROCESSES),
                     '--wait', str(self.conf.quiescence_window * 5)]
        if no_lock:
            arguments.append('--no-lock')
        procs = [self.start_process('watcher_conformance.tools.lock_worker',
                                    *arguments) for _ in range(PROCESSES)]
        with self.bounded('the processes starting', self.conf.test_timeout
                          / 2):
            # Other processes' progress can only be polled.
            while len([n for n in os.listdir(work)
                       if n.startswith('started-')]) < PROCESSES:
                if any(p.poll() is not None for p in procs):
                    break
                time.sleep(0.01)
            open(os.path.join(work, 'go'), 'w').close()
            errors = [p.communicate()[1].strip() for p in procs]
        self.assertEqual([0] * PROCESSES, [p.returncode for p in procs],
                         errors)
        with open(os.path.join(work, 'counter')) as f:
            return int(f.read())

    @catalogue.check('9e882430-456c-4943-82bf-01f8fc46abd4', MUST, """
        Processes updating one file under an external lock MUST lose no
        update when their read-modify-writes are forced to overlap.""",
                     feature='primitives.external_locks')
    def test_external_lock_excludes_other_processes(self):
        self.assertProvoked(self.processes(no_lock=True) < PROCESSES,
                            'a lost update between processes without a '
                            'lock')
        self.assertEqual(PROCESSES, self.processes(no_lock=False))

    @catalogue.check('8e1b31e7-16ee-444f-a0ba-08cc01fedbdc', MUST, """
        A fair lock MUST be granted in the order it was asked for, also
        when its holder asks again the moment it releases it.""",
                     feature='primitives.fair_locks')
    def test_fair_lock_keeps_arrival_order(self):
        # The holder's second request comes after the four waiters': a
        # plain lock lets the releasing thread barge ahead of them.
        order = probes.Recorder()
        release = probes.Gate(self.conf.wait_timeout)

        def holder():
            with self.piece.lock(self.name, fair=True):
                release.wait()
            with self.piece.lock(self.name, fair=True):
                order.add('holder again')

        def waiter(number):
            with self.piece.lock(self.name, fair=True):
                order.add(number)
        first, held = self.start_thread(holder)
        self.wait_blocked_or_done(first)
        waiters = []
        with self.bounded('the waiters queueing'):
            for number in range(4):
                thread, outcome = self.start_thread(waiter, number)
                self.wait_blocked_or_done(thread)
                waiters.append(outcome)
        release.open()
        self.finish(held, 'the holder')
        for outcome in waiters:
            self.finish(outcome, 'a waiter')
        self.assertEqual([0, 1, 2, 3, 'holder again'], order.items,
                         'the order in which the fair lock was granted')
