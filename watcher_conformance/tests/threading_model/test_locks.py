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

"""Locks: no update lost under a forced interleaving, one holder among
many, names that do not exclude each other, nested acquires and exceptions
that leave the lock sound, exclusion across processes, arrival order.

The checks of a behaviour every kind of lock shares run over each kind the
implementation offers: plain, fair (``primitives.fair_locks``) and external
(``primitives.external_locks``, with a lock path).
"""

import contextlib
import os
import threading
import time
import uuid

import fixtures

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threading_model import base

PROCESSES = 3
#: Threads of each process taking the external lock.
THREADS = 2
#: Threads contending for one lock in the many-contenders check.
CONTENDERS = 4
WORKER = 'watcher_conformance.tests.threading_model.lock_worker'

_LOST_UPDATE = 'threading_model.locks.no_lost_update'


class _Raised(Exception):
    """Raised inside a with-block: the caller must get this object."""


class LockTest(base.ThreadingModelTestCase):

    piece_name = 'primitives'

    def setUp(self):
        super().setUp()
        # Lock names are process-wide: a fresh one per test, so that no
        # test meets a lock an earlier one left held.
        self.name = 'conformance-' + uuid.uuid4().hex

    def kinds(self):
        """``(kind, lock)`` for each kind of lock the implementation
        offers; ``lock(suffix)`` is a fresh lock of that kind, named
        ``self.name`` + suffix."""
        features = self.implementation.features
        found = [('plain', lambda suffix='': self.piece.lock(
            self.name + '-plain' + suffix))]
        if 'primitives.fair_locks' in features:
            found.append(('fair', lambda suffix='': self.piece.lock(
                self.name + '-fair' + suffix, fair=True)))
        if 'primitives.external_locks' in features:
            path = self.useFixture(fixtures.TempDir()).path
            found.append(('external', lambda suffix='': self.piece.lock(
                self.name + '-external' + suffix, external=True,
                lock_path=path)))
        return found

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
        update when they are forced to overlap.""", covers=(_LOST_UPDATE,))
    def test_lock_loses_no_update(self):
        self.assertProvoked(self.read_modify_write(contextlib.nullcontext)
                            == 1, 'a lost update without the lock')
        self.assertEqual(2, self.read_modify_write(
            lambda: self.piece.lock(self.name)),
            'observed an update lost by two read-modify-writes under one '
            'lock; the contract demands none lost')

    def contend(self, kind, lock):
        """CONTENDERS threads take *lock*: the first holds it while the
        others queue, then each holder is let go in turn. At every rest
        point (every thread blocked on the lock or holding it), exactly
        one thread must hold it."""
        counter = {'value': 0}
        inside, mutex = set(), threading.Lock()
        entered = probes.Recorder()
        gates = [probes.Gate(self.conf.wait_timeout)
                 for _ in range(CONTENDERS)]

        def contender(number):
            with lock():
                with mutex:
                    inside.add(number)
                entered.add(number)
                value = counter['value']
                gates[number].wait()
                counter['value'] = value + 1
                with mutex:
                    inside.discard(number)
        threads = {0: self.start_thread(contender, 0)}
        self.assertTrue(entered.wait_for_length(1, self.conf.wait_timeout),
                        '%s lock: a thread did not get the free lock' % kind)
        for number in range(1, CONTENDERS):
            threads[number] = self.start_thread(contender, number)
            self.wait_blocked_or_done(threads[number][0])
        for served in range(1, CONTENDERS + 1):
            for thread, _ in threads.values():
                if thread.is_alive():
                    self.wait_blocked_or_done(thread)
            with mutex:
                holders = sorted(inside)
            self.assertEqual(1, len(holders), '%s lock: observed %d threads '
                             'holding it at once (%s) after %d of %d '
                             'contenders were served; the contract demands '
                             'at most one holder at any moment'
                             % (kind, len(holders), holders, served - 1,
                                CONTENDERS))
            gates[holders[0]].open()
            self.finish(threads[holders[0]][1], 'a holder of the %s lock'
                        % kind)
            if served < CONTENDERS:
                self.assertTrue(
                    entered.wait_for_length(served + 1,
                                            self.conf.wait_timeout),
                    '%s lock: its holder released it and none of the %d '
                    'threads waiting got it within %.1f s; the contract '
                    'demands every waiter be served'
                    % (kind, CONTENDERS - served, self.conf.wait_timeout))
            if served == 1:
                # Released to several waiters at once: watch that no
                # second one gets in (a woken thread is not running yet
                # the moment it stops waiting).
                entered.wait_for_length(served + 2,
                                        self.conf.quiescence_window)
        self.assertEqual(list(range(CONTENDERS)), sorted(entered.items),
                         '%s lock: the threads that got it' % kind)
        self.assertEqual(CONTENDERS, counter['value'],
                         '%s lock: observed %d of %d updates kept; the '
                         'contract demands none lost'
                         % (kind, counter['value'], CONTENDERS))

    @catalogue.check('db24067d-281d-40ce-bb40-4df0e8010e69', MUST, """
        A lock contended by four threads MUST be held by one of them at a
        time, also when its holder releases it to three waiters, and every
        waiter MUST get it in turn.""",
                     covers=('threading_model.locks.one_holder_among_many',
                             'threading_model.locks.every_waiter_served',
                             _LOST_UPDATE))
    def test_lock_excludes_many_contenders(self):
        for kind, lock in self.kinds():
            with self.bounded('four threads contending for a %s lock'
                              % kind, 4 * self.conf.wait_timeout):
                self.contend(kind, lock)

    @catalogue.check('ff401352-119f-4507-ba39-55d25692f7ce', MUST, """
        Locks of different names MUST NOT exclude each other: a thread MUST
        take a second name inside a first, and another thread a third name
        meanwhile.""",
                     covers=('threading_model.locks.names_independent',
                             'threading_model.locks.nested_other_name'))
    def test_different_names_do_not_exclude(self):
        for kind, lock in self.kinds():
            both = probes.Gate(self.conf.wait_timeout)
            leave = probes.Gate(self.conf.wait_timeout)

            def nest():
                with lock('-a'):
                    with lock('-b'):
                        both.open()
                        leave.wait()
            _, nesting = self.start_thread(nest)
            if not both.poll(self.conf.wait_timeout):
                leave.open()
                if 'error' in nesting:
                    self.fail('%s lock: a thread holding lock A was refused '
                              'lock B (%r); the contract demands it be able '
                              'to nest locks of different names'
                              % (kind, nesting['error']))
                self.fail('%s lock: a thread holding lock A blocked taking '
                          'lock B for %.1f s; the contract demands locks '
                          'of different names not exclude each other'
                          % (kind, self.conf.wait_timeout))

            def other():
                with lock('-c'):
                    return 'taken'
            thread, taking = self.start_thread(other)
            thread.join(self.conf.wait_timeout)
            blocked = thread.is_alive()
            leave.open()
            self.finish(nesting, 'the thread holding locks A and B')
            self.assertFalse(blocked, '%s lock: a thread blocked taking lock '
                             'C while another held locks A and B; the '
                             'contract demands locks of different names not '
                             'exclude each other' % kind)
            self.finish(taking, 'taking lock C')

    @catalogue.check('b3227c85-f1f1-4422-b863-c9f4755f851b', MUST, """
        A thread taking a lock it already holds MUST NOT deadlock: the
        nested acquire MUST return or raise an error at once, for every
        kind of lock offered.""",
                     covers=('threading_model.locks.'
                             'nested_same_name_no_deadlock',))
    def test_nested_acquire_does_not_deadlock(self):
        for kind, lock in self.kinds():
            def nested():
                with lock():
                    try:
                        with lock():
                            return 'entered twice'
                    except Exception as exc:
                        return 'refused: %s' % exc
            thread, outcome = self.start_thread(nested)
            thread.join(self.conf.wait_timeout)
            self.assertFalse(thread.is_alive(), '%s lock: a nested acquire '
                             'of the same lock deadlocked its thread (no '
                             'return within %.1f s); the contract demands '
                             'it return or raise at once'
                             % (kind, self.conf.wait_timeout))
            self.assertIn('value', outcome, '%s lock: the thread failed '
                          'around its nested acquire: %r'
                          % (kind, outcome.get('error')))

    @catalogue.check('619d69c5-003f-426d-84f7-ee3d3212375f', MUST, """
        After a nested acquire by its holder, refused or returned, the lock
        MUST stay held until the outermost block exits, and MUST then serve
        a waiter and exclude as before.""",
                     covers=('threading_model.locks.nested_keeps_hold',
                             'threading_model.locks.'
                             'nested_leaves_no_extra_release'))
    def test_nested_acquire_keeps_the_lock_held(self):
        for kind, lock in self.kinds():
            nested_done = probes.Gate(self.conf.wait_timeout)
            leave = probes.Gate(self.conf.wait_timeout)
            got = probes.Recorder()

            def holder():
                with lock():
                    try:
                        with lock():
                            how = 'returned'
                    except Exception as exc:
                        how = 'raised %s' % type(exc).__name__
                    nested_done.open()
                    leave.wait()
                return how

            def other():
                trying.open()
                with lock():
                    got.add('other')
            trying = probes.Gate(self.conf.wait_timeout)
            _, holding = self.start_thread(holder)
            with self.bounded('the nested acquire of a %s lock' % kind):
                self.assertTrue(nested_done.wait(), '%s lock: the nested '
                                'acquire neither returned nor raised' % kind)
                waiter, waiting = self.start_thread(other)
                trying.wait()
                self.wait_blocked_or_done(waiter)
                # A lock left open lets it straight in: watch a moment.
                got.wait_for_length(1, self.conf.quiescence_window / 4)
            early = list(got.items)
            leave.open()
            how = self.finish(holding, 'the holder')
            self.assertEqual([], early, '%s lock: after a nested acquire '
                             'that %s, another thread got the lock while the '
                             'outer block still held it; the contract '
                             'demands the hold last until the outermost '
                             'block exits' % (kind, how))
            waiter.join(self.conf.wait_timeout)
            self.assertFalse(waiter.is_alive(), '%s lock: after a nested '
                             'acquire that %s and the outer exit, a waiting '
                             'thread never got the lock' % (kind, how))
            self.finish(waiting, 'the waiting thread')
            self.assertEqual(2, self.read_modify_write(lock), '%s lock: '
                             'after a nested acquire that %s, observed an '
                             'update lost under the lock; the contract '
                             'demands it exclude as before' % (kind, how))

    @catalogue.check('5f596fdc-b549-4352-9140-33b9d89dbc95', MUST, """
        An exception raised inside the with-block of a lock MUST reach the
        caller unchanged and release the lock: a waiting thread MUST get
        it, and the thread that raised MUST be able to take it again.""",
                     covers=('threading_model.locks.error_propagates',
                             'threading_model.locks.error_releases',
                             'threading_model.locks.error_forgets_holder'))
    def test_exception_in_block_releases_the_lock(self):
        for kind, lock in self.kinds():
            error = _Raised('raised inside the %s lock on purpose' % kind)
            holding = probes.Gate(self.conf.wait_timeout)
            raise_now = probes.Gate(self.conf.wait_timeout)
            again = probes.Gate(self.conf.wait_timeout)

            def raiser():
                caught = None
                try:
                    with lock():
                        holding.open()
                        raise_now.wait()
                        raise error
                except Exception as exc:
                    caught = exc
                again.wait()
                try:
                    with lock():
                        pass
                except Exception as exc:
                    return caught, 'refused (%s: %s)' % (
                        type(exc).__name__, exc)
                return caught, 'taken'

            def waiter():
                with lock():
                    return 'taken'
            raising, raised = self.start_thread(raiser)
            with self.bounded('taking a %s lock' % kind):
                self.assertTrue(holding.wait(), '%s lock: a thread did not '
                                'get the free lock' % kind)
                waiting, waited = self.start_thread(waiter)
                self.wait_blocked_or_done(waiting)
            raise_now.open()
            waiting.join(self.conf.wait_timeout)
            self.assertFalse(waiting.is_alive(), '%s lock: its holder\'s '
                             'with-block raised, and a thread waiting for '
                             'the lock did not get it within %.1f s; the '
                             'contract demands the exception release the '
                             'lock' % (kind, self.conf.wait_timeout))
            self.finish(waited, 'the waiting thread')
            again.open()
            raising.join(self.conf.wait_timeout)
            self.assertFalse(raising.is_alive(), '%s lock: the thread whose '
                             'with-block raised blocked taking the free lock '
                             'again' % kind)
            caught, retaken = self.finish(raised, 'the raising thread')
            self.assertIs(error, caught, '%s lock: the exception raised '
                          'inside the with-block reached the caller as %r; '
                          'the contract demands the very exception, '
                          'unchanged' % (kind, caught))
            self.assertEqual('taken', retaken, '%s lock: the thread whose '
                             'with-block raised was %s when it asked for the '
                             'free lock again; the contract demands it get '
                             'it' % (kind, retaken))

    @catalogue.check('376ecdd1-c069-427a-a35c-af0b91cfd91c', MUST, """
        An external lock asked for without a lock path MUST be refused
        with an error that says so, not taken as a process-local lock.""",
                     feature='primitives.external_locks',
                     covers=('threading_model.external_locks.'
                             'path_required',))
    def test_external_lock_without_path_is_refused(self):
        with self.bounded('lock(external=True)'):
            try:
                with self.piece.lock(self.name, external=True):
                    taken = True
            except Exception as exc:
                taken, error = False, str(exc)
        self.assertFalse(taken, 'the external lock was taken without a '
                         'lock path; the contract demands it be refused')
        self.assertIn('lock_path', error.replace(' ', '_').lower(),
                      'the error does not name lock_path')

    def processes(self):
        """PROCESSES processes of THREADS threads each add 1 to a counter
        file, first without a lock (the negative control), then under the
        external lock (see :mod:`.lock_worker`). The control's count, the
        locked count, and the pairs of participants seen holding the lock
        at once."""
        work = self.useFixture(fixtures.TempDir()).path
        locks = self.useFixture(fixtures.TempDir()).path
        for name in ('control', 'counter'):
            with open(os.path.join(work, name), 'w') as f:
                f.write('0')
        arguments = ['--lock-path', locks, '--lock-name', self.name,
                     '--work-dir', work, '--threads', str(THREADS),
                     '--participants', str(PROCESSES * THREADS),
                     '--window', str(self.conf.quiescence_window),
                     '--timeout', str(self.conf.wait_timeout)]
        procs = [self.start_process(WORKER, *arguments)
                 for _ in range(PROCESSES)]
        with self.bounded('the processes', self.conf.test_timeout / 2):
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
        counts = []
        for name in ('control', 'counter'):
            with open(os.path.join(work, name)) as f:
                counts.append(int(f.read()))
        overlaps = sorted(tuple(n[len('overlap-'):].split('+'))
                          for n in os.listdir(work)
                          if n.startswith('overlap-'))
        return counts[0], counts[1], overlaps

    @catalogue.check('9e882430-456c-4943-82bf-01f8fc46abd4', MUST, """
        Three processes of two threads each, updating one file under an
        external lock, MUST lose no update when their read-modify-writes
        are forced to overlap: the lock MUST exclude the other processes
        and the other threads of the same process.""",
                     feature='primitives.external_locks',
                     covers=('threading_model.external_locks.'
                             'excludes_processes',
                             'threading_model.external_locks.'
                             'excludes_threads'))
    def test_external_lock_excludes_other_processes(self):
        everyone = PROCESSES * THREADS
        control, locked, overlaps = self.processes()
        self.assertProvoked(control < everyone, 'a lost update between '
                            'processes without a lock')

        def process(participant):
            return participant.split('-')[0]
        same = [pair for pair in overlaps
                if process(pair[0]) == process(pair[1])]
        if same:
            self.fail('observed threads of one process holding the '
                      'external lock at once (%s, as pid-thread pairs); the '
                      'contract demands that it exclude the other threads '
                      'of the process too' % same)
        if overlaps:
            self.fail('observed threads of different processes holding the '
                      'external lock at once (%s, as pid-thread pairs); the '
                      'contract demands that it exclude other processes'
                      % overlaps)
        self.assertEqual(everyone, locked, 'observed %d of %d updates kept '
                         'under the external lock; the contract demands '
                         'none lost' % (locked, everyone))

    @catalogue.check('8e1b31e7-16ee-444f-a0ba-08cc01fedbdc', MUST, """
        A fair lock MUST be granted in the order it was asked for, also
        when its holder asks again the moment it releases it.""",
                     feature='primitives.fair_locks',
                     covers=('threading_model.fair_locks.arrival_order',
                             'threading_model.fair_locks.no_barging'))
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
                         'the order in which the fair lock was granted '
                         '(expected first, observed second); the contract '
                         'demands arrival order, the releasing holder last')
