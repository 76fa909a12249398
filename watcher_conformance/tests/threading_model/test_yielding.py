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

"""Yielding: a long loop of the implementation's lets other green threads
progress, as greenthread.sleep(0) in long code paths does."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import datamodel
from watcher_conformance.fixtures import nova as nova_fixture
from watcher_conformance.nova import cloud
from watcher_conformance.tests.threading_model import base

TASKS = 3000
BIG_NODE = cloud.Topology(nodes=0, empty_nodes=0, big_nodes=1,
                          big_instances=20000, ironic_nodes=0, deleted=0.0,
                          aggregates=0)


class PoolYieldTest(base.EventletOnly, base.ThreadingModelTestCase):

    piece_name = 'threadpool'

    @catalogue.check('504ff126-f5fd-4067-9a1d-60d722447797', MUST, """
        Under eventlet, do_while_futures over thousands of finished futures
        MUST let other green threads run at least every 1000 callbacks.""")
    def test_callback_loop_yields(self):
        self.assertProvoked(self.stride_of_plain_loop(TASKS) >= TASKS,
                            'starvation by a loop that never yields')
        futures = [self.piece.submit(int, i) for i in range(TASKS)]
        with self.bounded('the tasks'):
            for future in futures:
                future.result()
        called = [0]

        def callback(future):
            called[0] += 1
        with self.ticking(lambda: called[0]) as ticker:
            with self.bounded('do_while_futures'):
                self.piece.do_while_futures(futures, callback)
        self.assertEqual(TASKS, called[0])
        self.assertLessEqual(ticker.longest_stride, base.LONGEST_STRIDE,
                             '%d callbacks ran without yielding'
                             % ticker.longest_stride)


class BuilderYieldTest(base.EventletOnly, base.ThreadingModelTestCase):

    piece_name = 'model_builder'

    @catalogue.check('8452db89-c3e5-41c5-8992-6bed5a6d7624', MUST, """
        Under eventlet, building the model of a node with 20000 instances
        MUST let other green threads run at least every 1000 records.""")
    def test_record_loop_yields(self):
        self.assertProvoked(self.stride_of_plain_loop(20000) >= 20000,
                            'starvation by a loop that never yields')
        sim = self.useFixture(nova_fixture.SimulatedNova(
            BIG_NODE, count_reads=True)).simulator
        with self.ticking(lambda: sim.records_read) as ticker:
            with self.bounded('build()'):
                # build(nova, placement, scope, timeout): every argument,
                # as the contract's signature gives them.
                self.piece.build(sim.nova, sim.placement, datamodel.Scope(),
                                 self.conf.wait_timeout)
        self.assertGreaterEqual(sim.records_read, 20000,
                                'the builder did not read every server')
        self.assertLessEqual(ticker.longest_stride, base.LONGEST_STRIDE,
                             '%d records were handled without yielding'
                             % ticker.longest_stride)
