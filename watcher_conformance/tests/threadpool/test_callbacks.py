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

"""do_while_futures callbacks: each future once, future first, as soon as it
finishes, in the calling thread."""

import collections
import threading

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base


class CallbacksTest(base.ThreadPoolTestCase):

    def assert_each_future_called_back_once(self, variant):
        futures = self.submit_values(range(3 * self.workers))
        name = base.names(futures)
        # Twice over the same futures: a call holds no state that a later
        # call (or a concurrent one) could see.
        for call in ('first', 'second'):
            seen = []
            self.do_while(variant, list(futures), seen.append)
            counts = collections.Counter(seen)
            missing = [name(f) for f in futures if f not in counts]
            repeated = sorted(name(f) for f, n in counts.items() if n > 1)
            foreign = [name(f) for f in counts if f not in futures]
            self.assertEqual(
                ([], [], []), (missing, repeated, foreign),
                'the %s call of %s over the same %d finished futures '
                'called back %d times: never %s, more than once %s, not of '
                'the collection %s; the contract demands each future of the '
                'collection exactly once, in every call'
                % (call, variant, len(futures), len(seen), missing,
                   repeated, foreign))

    @catalogue.check(
        'f032e7b0-5024-476f-8ff2-953540476edd', MUST, """
        do_while_futures MUST call the callback exactly once for each future
        of the collection, in every call over it.""",
        covers=('threadpool.callbacks.once_each',
                'threadpool.callbacks.independent_calls'))
    def test_each_future_called_back_once(self):
        self.assert_each_future_called_back_once(base.COPY)

    @catalogue.check(
        'e0c18a9c-a92c-4964-b029-97bbffad25db', MUST, """
        do_while_futures_modify MUST call the callback exactly once for each
        future of the collection, in every call over it.""",
        covers=('threadpool.callbacks.once_each',
                'threadpool.callbacks.independent_calls'))
    def test_each_future_called_back_once_modify(self):
        self.assert_each_future_called_back_once(base.MODIFY)

    def assert_future_comes_first(self, variant):
        futures = self.submit_values(range(self.workers))
        calls = []
        into, marker, options = [], object(), {'retries': 3}
        self.do_while(variant, list(futures),
                      lambda *a, **kw: calls.append((a, kw)),
                      into, marker, key=options)
        self.assertEqual(len(futures), len(calls),
                         '%s called back %d times for %d futures'
                         % (variant, len(calls), len(futures)))
        for args, kwargs in calls:
            self.assertIn(args[0], futures,
                          'the first argument is %r, not one of the futures '
                          'submit returned; the contract demands '
                          'fn(future, *args, **kwargs)' % (args[0],))
            self.assertEqual(3, len(args), 'the callback got %d positional '
                             'arguments; the contract demands the future '
                             'and the 2 given' % len(args))
            self.assertTrue(
                args[1] is into and args[2] is marker
                and set(kwargs) == {'key'} and kwargs['key'] is options,
                'the callback got %r, %r; the contract demands the very '
                'objects given, in order, after the future: (future, %r, '
                '%r), {key: %r}' % (args[1:], kwargs, into, marker, options))

    @catalogue.check('902e2d71-a828-417f-8037-496cd8898c6f', MUST, """
        do_while_futures(futures, fn, *args, **kwargs) MUST call
        fn(future, *args, **kwargs): the future first, then the given
        arguments.""", covers=('threadpool.callbacks.arguments',))
    def test_callback_gets_future_then_arguments(self):
        self.assert_future_comes_first(base.COPY)

    @catalogue.check('58d2482f-98f5-4bd7-8007-9b52ea222c73', MUST, """
        do_while_futures_modify(futures, fn, *args, **kwargs) MUST call
        fn(future, *args, **kwargs): the future first, then the given
        arguments.""", covers=('threadpool.callbacks.arguments',))
    def test_callback_gets_future_then_arguments_modify(self):
        self.assert_future_comes_first(base.MODIFY)

    def assert_callbacks_follow_completion(self, variant):
        # W tasks all running, each held at a gate of its own; the check
        # releases one at a time, in an order that inverts submission, and
        # waits for that future's callback before releasing the next. A
        # loop that waits for the first future, or for all of them, never
        # gets there.
        for description, order in base.orders(self.workers):
            gates, futures = self.submit_held(self.workers)
            name = base.names(futures)
            seen = probes.Recorder()
            thread, outcome = self.start_do_while(
                variant, list(futures), lambda f: seen.add((f, f.done())))
            for step, index in enumerate(order):
                gates[index].open()
                arrived = seen.wait_for_length(step + 1,
                                               self.conf.wait_timeout)
                observed = [name(f) for f, _ in seen.items]
                self.assertTrue(
                    arrived and seen.items[step][0] is futures[index],
                    '%d futures finishing %s: after %s finished (the '
                    'others held), callbacks were %s within %.1f s; the '
                    'contract demands each callback as soon as its own '
                    'future finishes, here %s'
                    % (len(futures), description, name(futures[index]),
                       observed, self.conf.wait_timeout,
                       [name(futures[i]) for i in order[:step + 1]]))
            self.finish(outcome, variant)
            early = [name(f) for f, done in seen.items if not done]
            self.assertEqual([], early, '%s called back %s before it had '
                             'finished; the contract demands a callback '
                             'only once its future finished'
                             % (variant, early))
            self.assertEqual(len(futures), len(seen.items),
                             'callbacks: %s' % [name(f) for f, _ in
                                                seen.items])

    @catalogue.check(
        '67149596-16e9-4a1c-9966-6ef7b0638fa4', MUST, """
        do_while_futures MUST call the callback for a future as soon as that
        future finishes, whatever order the futures finish in, not after
        the other futures finish, and never before.""",
        covers=('threadpool.callbacks.as_soon_as_finished',
                'threadpool.callbacks.only_finished'))
    def test_callback_runs_as_soon_as_its_future_finishes(self):
        self.assert_callbacks_follow_completion(base.COPY)

    @catalogue.check(
        '7c95c2f0-745a-414c-9fc6-82096cac39ee', MUST, """
        do_while_futures_modify MUST call the callback for a future as soon
        as that future finishes, whatever order the futures finish in, not
        after the other futures finish, and never before.""",
        covers=('threadpool.callbacks.as_soon_as_finished',
                'threadpool.callbacks.only_finished'))
    def test_callback_runs_as_soon_as_its_future_finishes_modify(self):
        self.assert_callbacks_follow_completion(base.MODIFY)

    def assert_callbacks_in_calling_thread(self, variant):
        futures = self.submit_values(range(2 * self.workers))
        threads = set()
        self.do_while(variant, list(futures),
                      lambda f: threads.add(threading.get_ident()))
        self.assertEqual({threading.get_ident()}, threads,
                         'callbacks ran outside the calling thread')

    @catalogue.check('12caa2df-2897-48ac-8c84-1257a2b08aca', MUST, """
        do_while_futures MUST run every callback in the thread that called
        it, one at a time, so that callbacks may update the caller's state
        without locks.""", covers=('threadpool.callbacks.calling_thread',))
    def test_callbacks_run_in_the_calling_thread(self):
        self.assert_callbacks_in_calling_thread(base.COPY)

    @catalogue.check('66a4b24a-3fcc-4a07-8da9-8c6d886567f6', MUST, """
        do_while_futures_modify MUST run every callback in the thread that
        called it, one at a time, so that callbacks may add to the collection
        without locks.""", covers=('threadpool.callbacks.calling_thread',))
    def test_callbacks_run_in_the_calling_thread_modify(self):
        self.assert_callbacks_in_calling_thread(base.MODIFY)

    def assert_concurrent_callers(self, variant):
        # Two callers wait at once, each on a future of its own and on one
        # future they share. The second caller's own future finishes first,
        # then the shared one, then the first caller's (submitted last, so
        # that each task released is running with W = 2). With _modify, each
        # caller's own callback adds a future to its own collection. A loop
        # that keeps its state on the pool (a queue, the set of futures it
        # watches, the callback) hands it to the other caller.
        gate_a, gate_b, gate_shared = self.gate(), self.gate(), self.gate()
        own_b = self.submit_gated(gate_b, 'second')
        shared = self.submit_gated(gate_shared, 'shared')
        own_a = self.submit_gated(gate_a, 'first')
        callers = []
        for tag, own in (('first', own_a), ('second', own_b)):
            caller = {'tag': tag, 'own': own, 'seen': probes.Recorder(),
                      'collection': [own, shared], 'added': []}
            caller['expected'] = [own, shared]
            callers.append(caller)

        def callback_of(caller):
            def callback(future):
                caller['seen'].add(future)
                if variant == base.MODIFY and future is caller['own']:
                    added = self.pool.submit(lambda: caller['tag'] + '-added')
                    caller['added'].append(added)
                    caller['collection'].append(added)
            return callback
        for caller in callers:
            caller['thread'], caller['outcome'] = self.start_do_while(
                variant, caller['collection'], callback_of(caller))
            self.assertTrue(probes.wait_until_blocked(
                caller['thread'], self.conf.wait_timeout),
                '%s returned before its futures finished' % variant)
        first, second = callers

        def observed():
            return '; '.join('%s caller got %s' % (
                c['tag'], [_label(f) for f in c['seen'].items])
                for c in callers)
        gate_b.open()
        self.assertTrue(
            second['seen'].wait_for_length(1, self.conf.wait_timeout),
            'the second caller\'s own future finished first, and its '
            'callback did not come within %.1f s (%s); the contract demands '
            'each caller its own callbacks'
            % (self.conf.wait_timeout, observed()))
        gate_shared.open()
        gate_a.open()
        for caller in callers:
            self.finish(caller['outcome'], '%s of the %s caller'
                        % (variant, caller['tag']))
        for caller in callers:
            expected = caller['expected'] + caller['added']
            self.assertEqual(
                collections.Counter(expected),
                collections.Counter(caller['seen'].items),
                'two callers of %s at once, sharing one future: %s; the '
                'contract demands each its own futures (%s), once each'
                % (variant, observed(),
                   [_label(f) for f in expected]))
            if variant == base.MODIFY:
                self.assertEqual([], caller['collection'],
                                 'the %s caller\'s collection was left with '
                                 '%d futures' % (caller['tag'],
                                                 len(caller['collection'])))

    @catalogue.check(
        '29f2bf39-1230-48be-9060-54e009f41bcb', MUST, """
        Two threads calling do_while_futures on the shared pool at the same
        time MUST each get callbacks for their own futures only, each exactly
        once, also for a future both wait on.""",
        covers=('threadpool.callbacks.independent_calls',))
    def test_concurrent_callers_get_their_own_callbacks(self):
        self.assert_concurrent_callers(base.COPY)

    @catalogue.check(
        '44a14ce3-8b98-4de7-a033-bb5562cc9f39', MUST, """
        Two threads calling do_while_futures_modify on the shared pool at
        the same time MUST each get callbacks for the futures of their own
        collection only, including those their callbacks add, each exactly
        once, and each collection MUST end empty.""",
        covers=('threadpool.callbacks.independent_calls',
                'threadpool.nested.modify_awaits_added'))
    def test_concurrent_callers_get_their_own_callbacks_modify(self):
        self.assert_concurrent_callers(base.MODIFY)


def _label(future):
    return future.result() if future.done() else 'unfinished'
