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
        Under eventlet, do_while_futures and do_while_futures_modify over
        thousands of finished futures MUST let other green threads run at
        least every 1000 callbacks.""",
                     covers=('threading_model.yielding.callback_loop_yields',
                             'threading_model.yielding.callbacks_complete'))
    def test_callback_loop_yields(self):
        self.assertProvoked(self.stride_of_plain_loop(TASKS) >= TASKS,
                            'starvation by a loop that never yields')
        for method in ('do_while_futures', 'do_while_futures_modify'):
            futures = [self.piece.submit(int, i) for i in range(TASKS)]
            with self.bounded('the tasks'):
                for future in futures:
                    future.result()
            called = [0]

            def callback(future):
                called[0] += 1
            with self.ticking(lambda: called[0]) as ticker:
                with self.bounded(method):
                    getattr(self.piece, method)(futures, callback)
            self.assertEqual(TASKS, called[0], '%s made %d callbacks for %d '
                             'futures' % (method, called[0], TASKS))
            self.assertLessEqual(
                ticker.longest_stride, base.LONGEST_STRIDE,
                'observed %s make %d callbacks without yielding; the '
                'contract demands a yield at least every %d'
                % (method, ticker.longest_stride, base.LONGEST_STRIDE))


class BuilderYieldTest(base.EventletOnly, base.ThreadingModelTestCase):

    piece_name = 'model_builder'

    @catalogue.check('8452db89-c3e5-41c5-8992-6bed5a6d7624', MUST, """
        Under eventlet, building the model of a node with 20000 instances
        MUST let other green threads run at least every 1000 records.""",
                     covers=('threading_model.yielding.record_loop_yields',
                             'threading_model.yielding.records_complete'))
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
                                'the builder read %d of the 20000 servers'
                                % sim.records_read)
        self.assertLessEqual(ticker.longest_stride, base.LONGEST_STRIDE,
                             'observed %d records handled without yielding; '
                             'the contract demands a yield at least every %d'
                             % (ticker.longest_stride, base.LONGEST_STRIDE))
