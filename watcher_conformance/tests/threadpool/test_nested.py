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

"""Work submitted from callbacks: the data-model builder's nested pattern."""

from futurist import waiters

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.threadpool import base


class NestedTest(base.ThreadPoolTestCase):

    @catalogue.check('e0c81ad6-1100-4c58-8067-20339ca11eb5', MUST, """
        do_while_futures_modify MUST also await, and call back, futures that
        callbacks add to the collection (a list or a set) while it
        runs.""", covers=('threadpool.nested.modify_awaits_added',))
    def test_modify_awaits_futures_added_by_callbacks(self):
        for shape in (list, set):
            futures = self.submit_values(range(self.workers))
            originals, added, seen = list(futures), [], []
            collection = shape(futures)
            add = collection.append if shape is list else collection.add

            def callback(future):
                seen.append(future)
                if future in originals:
                    added.append(self.pool.submit(lambda: 'added'))
                    add(added[-1])
            self.do_while(base.MODIFY, collection, callback)
            self.assertCountEqual(
                originals + added, seen,
                'in a %s, %d futures added by callbacks, %d called back of '
                '%d in all; the contract demands the added ones awaited '
                'and called back too'
                % (shape.__name__, len(added), len(seen),
                   len(originals + added)))
            self.assertEqual(0, len(collection),
                             'the %s was left with %d futures'
                             % (shape.__name__, len(collection)))

    @catalogue.check(
        'bd7ffae8-bb7b-401b-9897-ea94e4fb31bf', MUST, """
        do_while_futures_modify MUST call back a future that a callback
        added as soon as it finishes, while futures that were in the
        collection before it are still running.""",
        covers=('threadpool.callbacks.as_soon_as_finished',
                'threadpool.nested.modify_awaits_added'))
    def test_modify_calls_back_added_future_as_soon_as_it_finishes(self):
        # Every worker holds a task of the collection. The last submitted
        # is released; its callback adds a task that finishes at once (on
        # the worker just freed). Its callback must come while the others
        # are still held: a loop that picks up added futures only after
        # the futures it knew of never gets there.
        for shape in (list, set):
            gates, originals = self.submit_held(self.workers)
            name = base.names(originals)
            collection = shape(originals)
            add = collection.append if shape is list else collection.add
            added, seen = [], probes.Recorder()

            def callback(future):
                seen.add(future)
                if future is originals[-1]:
                    added.append(self.pool.submit(lambda: 'added'))
                    add(added[-1])
            thread, outcome = self.start_do_while(base.MODIFY, collection,
                                                  callback)
            gates[-1].open()
            arrived = seen.wait_for_length(2, self.conf.wait_timeout)
            observed = ['the added one' if added and f is added[0]
                        else name(f) for f in seen.items]
            self.assertTrue(
                arrived and seen.items[1] is added[0],
                'in a %s, %s finished first and its callback added a '
                'future that finishes at once, with %d futures of the '
                'collection still held; callbacks within %.1f s: %s; the '
                'contract demands the added future\'s callback as soon as '
                'it finishes' % (shape.__name__, name(originals[-1]),
                                 len(originals) - 1, self.conf.wait_timeout,
                                 observed))
            for gate in reversed(gates):
                gate.open()
            self.finish(outcome, base.MODIFY)
            self.assertCountEqual(originals + added, seen.items)
            self.assertEqual(0, len(collection))

    @catalogue.check(
        '2e7e165a-4e45-48f8-b251-c6fc3b2030a0', MUST, """
        do_while_futures_modify MUST await a chain of futures in which each
        callback adds the next future, however deep the chain.""",
        covers=('threadpool.nested.modify_chain',))
    def test_modify_awaits_a_chain_of_added_futures(self):
        depth = 3 * self.workers
        futures = [self.pool.submit(lambda: 0)]
        seen = []

        def callback(future):
            seen.append(future.result())
            if future.result() < depth:
                futures.append(self.pool.submit(lambda n: n + 1,
                                                future.result()))
        self.do_while(base.MODIFY, futures, callback)
        self.assertEqual(list(range(depth + 1)), seen)

    @catalogue.check(
        '489f358e-44eb-4aee-a9d3-d1a3ff86cb4b', MUST, """
        A callback of do_while_futures MUST be able to submit more work to
        the same pool (as the data-model builder submits a node's instances
        when the node arrives), and all of it MUST complete.""",
        covers=('threadpool.nested.callbacks_submit',))
    def test_callbacks_can_submit_more_work(self):
        nodes = self.submit_values(range(2 * self.workers))
        instance_futures = []

        def on_node(future, into):
            for i in range(3):
                into.append(self.pool.submit(lambda n, i: (n, i),
                                             future.result(), i))
        self.do_while(base.COPY, nodes, on_node, instance_futures)
        with self.bounded('waiting for the instance tasks'):
            done, not_done = waiters.wait_for_all(
                instance_futures, timeout=self.conf.wait_timeout)
        self.assertEqual(set(), not_done)
        self.assertCountEqual(
            [(n, i) for n in range(2 * self.workers) for i in range(3)],
            [f.result() for f in instance_futures])
