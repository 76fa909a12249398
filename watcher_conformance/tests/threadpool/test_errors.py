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

"""Failures inside do_while_futures: failed tasks and raising callbacks."""

import collections

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base


class CallbackError(Exception):
    """Raised by a check's callback on purpose."""


class ErrorsTest(base.ThreadPoolTestCase):

    @catalogue.check('8a4203fa-9816-4dbc-85f6-6f91d048bef6', MUST, """
        do_while_futures MUST call back the future of a task that raised,
        with the exception available from future.exception(), wherever it
        finishes among the others, and MUST go on calling back the other
        futures.""", covers=('threadpool.errors.failed_task_called_back',))
    def test_failed_task_is_called_back_with_its_exception(self):
        # The task submitted first raises last; the one submitted last
        # raises first, before the others finish.
        first_error = ValueError('raised by the task submitted first')
        last_error = KeyError('raised by the task submitted last')
        gate = self.gate()
        first = self.submit(_raise_at, gate, first_error)
        others = self.submit_values(range(self.workers - 1))
        last = self.submit(_raise, last_error)
        futures = [first] + others + [last]
        name = base.names(futures)
        seen = probes.Recorder()
        thread, outcome = self.start_do_while(
            base.COPY, futures, lambda f: seen.add((f, f.exception())))
        arrived = seen.wait_for_length(len(futures) - 1,
                                       self.conf.wait_timeout)
        gate.open()
        self.finish(outcome, base.COPY)
        got = dict(seen.items)
        self.assertTrue(arrived, 'with %s held, the other futures were '
                        'not all called back within %.1f s (callbacks: %s); '
                        'the contract demands each as soon as it finishes'
                        % (name(first), self.conf.wait_timeout,
                           [name(f) for f, _ in seen.items]))
        for future, error in ((last, last_error), (first, first_error)):
            self.assertIn(future, got, 'the failed task %s was not called '
                          'back; the contract demands every future, failed '
                          'or not' % name(future))
            self.assertIs(error, got[future],
                          'the callback of %s saw exception() = %r; the '
                          'contract demands the task\'s own %r'
                          % (name(future), got[future], error))
        self.assertEqual(collections.Counter(futures),
                         collections.Counter(f for f, _ in seen.items),
                         'callbacks: %s' % [name(f) for f, _ in seen.items])

    @catalogue.check(
        '3da0e89b-3428-43b3-8911-878ffd9f48cd', MUST, """
        An exception raised by the callback MUST propagate out of
        do_while_futures to its caller, not be swallowed.""",
        covers=('threadpool.errors.callback_exception_propagates',))
    def test_callback_exception_propagates(self):
        futures = self.submit_values(range(self.workers))
        error = KeyError('raised by the callback')

        def callback(future):
            raise error
        with self.bounded(base.COPY):
            raised = self.assertRaises(KeyError, self.pool.do_while_futures,
                                       futures, callback)
        self.assertIs(error, raised)

    def assert_callback_error_leaves_pool_usable(self, variant):
        for position in ('second', 'last'):
            self.callback_error_scenario(variant, position)

    def callback_error_scenario(self, variant, position):
        # W tasks run and W more are queued, each held at a gate of its
        # own; they are released one at a time, the last submitted first,
        # and the callback raises on the second (or the last) of them.
        gates, running = self.submit_held(self.workers)
        queued_gates = [self.gate() for _ in range(self.workers)]
        queued = [self.submit_gated(g, self.workers + i)
                  for i, g in enumerate(queued_gates)]
        gates += queued_gates
        futures = running + queued
        name = base.names(futures)
        order = (list(reversed(range(self.workers)))
                 + list(reversed(range(self.workers, 2 * self.workers))))
        raise_at = 2 if position == 'second' else len(futures)
        error = CallbackError('raised by the callback on the %s future'
                              % position)
        seen = probes.Recorder()

        def callback(future):
            seen.add(future)
            if len(seen.items) == raise_at:
                raise error
        collection = list(futures)
        thread, outcome = self.start_do_while(variant, collection, callback)
        for step, index in enumerate(order[:raise_at]):
            gates[index].open()
            self.assertTrue(
                seen.wait_for_length(step + 1, self.conf.wait_timeout),
                'after %s finished its callback did not come within %.1f s '
                '(callbacks: %s)' % (name(futures[index]),
                                     self.conf.wait_timeout,
                                     [name(f) for f in seen.items]))
        raiser = seen.items[raise_at - 1]
        left = [f for f in futures if f not in seen.items]
        thread.join(self.conf.wait_timeout)
        self.assertFalse(
            thread.is_alive(), 'the callback raised on the %s future, and '
            '%s had not returned %.1f s later, with %d futures still held '
            '(callbacks: %d); the contract demands the exception at once'
            % (position, variant, self.conf.wait_timeout, len(left),
               len(seen.items)))
        self.assertIs(error, outcome.get('error'),
                      'the callback raised %r on the %s future; %s ended '
                      'with %r; the contract demands the same exception, '
                      'at once' % (error, position, variant,
                                   outcome.get('error', outcome.get('value'))))
        self.assertEqual(raise_at, len(seen.items),
                         'after the callback raised, %s called back %s; the '
                         'contract demands no further callback'
                         % (variant, [name(f) for f in
                                      seen.items[raise_at:]]))
        cancelled = [name(f) for f in left if f.cancelled()]
        self.assertEqual([], cancelled,
                         'the callback raised on the %s future and %s '
                         'cancelled %s; the contract demands the futures not '
                         'called back run on' % (position, variant,
                                                 cancelled))
        if variant == base.MODIFY:
            self.assertEqual(
                collections.Counter([raiser] + left),
                collections.Counter(collection),
                'the callback raised on the %s future (%s); the collection '
                'then held %s; the contract demands that future and those '
                'not called back (%s), no other'
                % (position, name(raiser), sorted(map(name, collection)),
                   sorted(map(name, [raiser] + left))))
        for gate in gates:
            gate.open()
        self.wait_done(futures)
        self.assertEqual(list(range(len(futures))),
                         [f.result() for f in futures],
                         'a task of the collection did not complete')
        # The pool is still whole: a new call over what was left calls back
        # each of it once, and a fresh batch gets exactly its own futures
        # with every worker running.
        resume = (collection if variant == base.MODIFY
                  else [raiser] + left)
        again = []
        self.do_while(variant, resume, again.append)
        self.assertEqual(
            collections.Counter([raiser] + left), collections.Counter(again),
            'after a callback raised, a new %s call over the %d futures '
            'left called back %s; the contract demands each once'
            % (variant, len(left) + 1, sorted(map(name, again))))
        gates, fresh = self.submit_held(
            self.workers, after='after a callback raised in %s' % variant)
        for gate in gates:
            gate.open()
        later = []
        self.do_while(variant, list(fresh), later.append)
        self.assertEqual(
            collections.Counter(fresh), collections.Counter(later),
            'after a callback raised, a later %s call over %d new futures '
            'called back %d futures, %d of them not its own; the contract '
            'demands exactly its own'
            % (variant, len(fresh), len(later),
               len([f for f in later if f not in fresh])))

    @catalogue.check(
        '893a7e64-99d9-4f2a-88e5-2ce14357a055', MUST, """
        When the callback raises on the second or the last future,
        do_while_futures MUST raise that exception at once, without calling
        back more futures, MUST NOT cancel the futures not called back, and
        the pool MUST stay usable: a later call calls back exactly its own
        futures.""",
        covers=('threadpool.errors.callback_exception_propagates',
                'threadpool.errors.callback_exception_at_once',
                'threadpool.errors.callback_exception_keeps_futures',
                'threadpool.errors.callback_exception_pool_usable'))
    def test_callback_error_leaves_pool_usable(self):
        self.assert_callback_error_leaves_pool_usable(base.COPY)

    @catalogue.check(
        'a26fc933-22b3-413a-b587-e106e6a55de9', MUST, """
        When the callback raises on the second or the last future,
        do_while_futures_modify MUST raise that exception at once, MUST leave
        in the collection that future and those not called back, MUST NOT
        cancel them, and the pool MUST stay usable: a new call over the
        collection calls back each once.""",
        covers=('threadpool.errors.callback_exception_propagates',
                'threadpool.errors.callback_exception_at_once',
                'threadpool.errors.callback_exception_keeps_futures',
                'threadpool.errors.callback_exception_modify_collection',
                'threadpool.errors.callback_exception_pool_usable'))
    def test_callback_error_leaves_pool_usable_modify(self):
        self.assert_callback_error_leaves_pool_usable(base.MODIFY)


def _raise(error):
    raise error


def _raise_at(gate, error):
    if not gate.wait():
        raise base.TimedOut('gate not opened within %.1f s' % gate.timeout)
    raise error
