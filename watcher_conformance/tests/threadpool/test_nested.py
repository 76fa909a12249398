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
from watcher_conformance.tests.threadpool import base


class NestedTest(base.ThreadPoolTestCase):

    @catalogue.check('e0c81ad6-1100-4c58-8067-20339ca11eb5', MUST, """
        do_while_futures_modify MUST also await, and call back, futures that
        callbacks add to the collection while it runs.""")
    def test_modify_awaits_futures_added_by_callbacks(self):
        futures = self.submit_values(range(self.workers))
        originals, added, seen = list(futures), [], []

        def callback(future):
            seen.append(future)
            if future in originals:
                added.append(self.pool.submit(lambda: 'added'))
                futures.append(added[-1])
        self.do_while(base.MODIFY, futures, callback)
        self.assertCountEqual(originals + added, seen,
                              'futures added by callbacks were not called '
                              'back')
        self.assertEqual([], futures)

    @catalogue.check('2e7e165a-4e45-48f8-b251-c6fc3b2030a0', MUST, """
        do_while_futures_modify MUST await a chain of futures in which each
        callback adds the next future, however deep the chain.""")
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

    @catalogue.check('489f358e-44eb-4aee-a9d3-d1a3ff86cb4b', MUST, """
        A callback of do_while_futures MUST be able to submit more work to
        the same pool (as the data-model builder submits a node's instances
        when the node arrives), and all of it MUST complete.""")
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
