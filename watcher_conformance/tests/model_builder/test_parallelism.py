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

"""Parallelism: the builder uses the workers it is given, and no more,
and does not wait where it need not."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.model_builder import base

Scope = base.Scope
CLOUD = base.Topology(nodes=24, instances=(1, 3), seed=8)


class ParallelismTest(base.ModelBuilderTestCase):

    @catalogue.check('90878cb5-71cf-4b1a-920d-eebb57ce728f', MUST, """
        A build MUST have as many Nova calls in flight at once as the pool
        has workers, when the cloud has work for all of them.""")
    def test_calls_in_flight_reach_worker_count(self):
        sim = self.simulated_nova(CLOUD)
        # Calls about one host wait until max_workers of them run at once:
        # a builder that never runs that many gives up the wait once.
        sim.rendezvous(self.conf.max_workers, self.conf.wait_timeout / 4)
        view = self.build(sim, timeout=self.conf.wait_timeout)
        self.assertModel(sim, view)
        self.assertGreaterEqual(sim.peak, self.conf.max_workers,
                                'at most %d Nova calls ran at once, with %d '
                                'workers' % (sim.peak, self.conf.max_workers))

    @catalogue.check('4c9273fc-1b51-4aad-9092-c9a7f5eb1ab0', MUST, """
        A build MUST NOT have more Nova and Placement calls in flight at
        once than the pool has workers.""")
    def test_calls_in_flight_never_exceed_worker_count(self):
        sim = self.simulated_nova(CLOUD, latency=0.002)
        self.assertModel(sim, self.build(sim))
        self.assertLessEqual(sim.peak, self.conf.max_workers,
                             '%d Nova calls ran at once, with %d workers'
                             % (sim.peak, self.conf.max_workers))

    @catalogue.check('5432a1a5-c250-4f17-bc9b-e24b614f98bc', MUST, """
        A node's instances MUST be fetched as soon as that node has arrived:
        an instance fetch MUST start while another node's fetch is still
        running.""")
    def test_instances_fetched_before_last_node_arrives(self):
        sim = self.simulated_nova(CLOUD)
        held_host = sorted(sim.cloud.by_host)[-1]
        hold = sim.hold('get_compute_node_by_name', host=held_host)
        with self.bounded('the build'):
            _, outcome = self.start_build(sim)
            started = sim.wait_for_call('get_instance_list',
                                        self.conf.wait_timeout)
            hold.release()
        self.assertTrue(started, 'no instance fetch started while the '
                        'compute node of %s was being fetched: the builder '
                        'waits for every node first' % held_host)
        self.assertModel(sim, self.finish_build(outcome))

    @catalogue.check('193baef8-1b5e-45dc-82a2-b151ec10b10a', MUST, """
        The host aggregates and the availability zones of a scope MUST be
        fetched in parallel.""")
    def test_aggregates_and_zones_fetched_in_parallel(self):
        sim = self.simulated_nova(CLOUD)
        hold = sim.hold('get_aggregate_list')
        scope = Scope(aggregates=['*'], zones=['*'])
        with self.bounded('the build'):
            _, outcome = self.start_build(sim, scope)
            started = sim.wait_for_call('get_service_list',
                                        self.conf.wait_timeout)
            hold.release()
        self.assertTrue(started, 'the zones were not fetched while the '
                        'aggregates were')
        self.assertModel(sim, self.finish_build(outcome), scope)
