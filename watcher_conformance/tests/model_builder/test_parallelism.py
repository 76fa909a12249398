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
across every build it runs at once, and does not wait where it need not."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.model_builder import base

Scope = base.Scope
MB = 'model_builder.'
CLOUD = base.Topology(nodes=24, instances=(1, 3), seed=8)
OTHER_CLOUD = base.Topology(nodes=6, instances=(1, 3), zones=3, seed=14)


class ParallelismTest(base.ModelBuilderTestCase):

    @catalogue.check('90878cb5-71cf-4b1a-920d-eebb57ce728f', MUST, """
        A build MUST have as many Nova calls in flight at once as the pool
        has workers, when the cloud has work for all of them (exactly as
        many hosts as workers, or more).""",
                     covers=(MB + 'parallel.reaches_workers',))
    def test_calls_in_flight_reach_worker_count(self):
        workers = self.conf.max_workers
        for topology in (CLOUD, base.Topology(nodes=workers, empty_nodes=0,
                                              ironic_nodes=0, seed=13)):
            sim = self.simulated_nova(topology)
            # Calls about one host wait until max_workers of them run at
            # once: a builder that never runs that many gives up the wait
            # once.
            sim.rendezvous(workers, self.conf.wait_timeout / 4)
            view = self.build(sim, timeout=self.conf.wait_timeout)
            self.assertModel(sim, view)
            self.assertGreaterEqual(
                sim.peak, workers, 'observed at most %d Nova calls at once '
                'in a cloud of %d hosts; the contract demands %d, the '
                'worker count' % (sim.peak, len(sim.cloud.by_host), workers))

    @catalogue.check('4c9273fc-1b51-4aad-9092-c9a7f5eb1ab0', MUST, """
        A build MUST NOT have more Nova and Placement calls in flight at
        once than the pool has workers.""",
                     covers=(MB + 'parallel.bound_per_build',))
    def test_calls_in_flight_never_exceed_worker_count(self):
        sim = self.simulated_nova(CLOUD, latency=0.002)
        self.assertModel(sim, self.build(sim))
        self.assertLessEqual(sim.peak, self.conf.max_workers,
                             'observed %d Nova and Placement calls at once; '
                             'the contract demands at most %d, the worker '
                             'count' % (sim.peak, self.conf.max_workers))

    @catalogue.check('19f40896-35fb-4928-b0e9-2f67b0db51d9', MUST, """
        Builds running at once on one builder MUST together have no more
        Nova and Placement calls in flight than the builder has workers:
        the bound is the builder's, not each build's.""",
                     covers=(MB + 'parallel.bound_per_builder',))
    def test_builds_share_the_worker_bound(self):
        workers = self.conf.max_workers
        first = self.simulated_nova(CLOUD)
        second = self.simulated_nova(OTHER_CLOUD)
        # The first build's compute node fetches stop until released: it
        # holds as many workers as it can, then is stuck.
        hold = first.hold('get_compute_node_by_name')
        with self.bounded('two builds at once'):
            _, first_outcome = self.start_build(first)
            held = len(self.wait_held(first, [hold], workers))
            _, second_outcome = self.start_build(second, Scope(zones=['*']))
            if held == workers:
                self.settle()
                calls = ['%s(%s)' % (c.name, c.host or '')
                         for c in second.calls]
                hold.release()
                self.assertEqual(
                    [], calls, 'observed the second build make %d call(s) '
                    '(%s) while the first held all %d workers, so %d at '
                    'once; the contract demands at most %d for the builder'
                    % (len(calls), ', '.join(calls[:4]), workers,
                       workers + second.peak, workers))
            else:
                # A builder that uses fewer workers: the second build may
                # use the rest, no more.
                self.finish(second_outcome, 'the second build')
                hold.release()
                self.assertLessEqual(
                    held + second.peak, workers,
                    'observed %d calls of the first build held and %d of '
                    'the second at once; the contract demands at most %d '
                    'for the builder' % (held, second.peak, workers))
        self.assertModel(first, self.finish_build(first_outcome))
        self.assertModel(second, self.finish_build(second_outcome),
                         Scope(zones=['*']))

    @catalogue.check('5432a1a5-c250-4f17-bc9b-e24b614f98bc', MUST, """
        A node's instances MUST be fetched as soon as that node has arrived:
        an instance fetch MUST start while another node's fetch is still
        running.""", covers=(MB + 'parallel.no_barrier',))
    def test_instances_fetched_before_last_node_arrives(self):
        sim = self.simulated_nova(CLOUD)
        held_host = sorted(sim.cloud.by_host)[-1]
        hold = sim.hold('get_compute_node_by_name', host=held_host)
        with self.bounded('the build'):
            _, outcome = self.start_build(sim)
            started = sim.wait_for_call('get_instance_list',
                                        self.conf.wait_timeout)
            hold.release()
        self.assertTrue(started, 'observed no instance fetch while the '
                        'compute node of %s was being fetched: the builder '
                        'waits for every node first; the contract demands '
                        'each node\'s instances as soon as it arrives'
                        % held_host)
        self.assertModel(sim, self.finish_build(outcome))

    @catalogue.check('193baef8-1b5e-45dc-82a2-b151ec10b10a', MUST, """
        The host aggregates and the availability zones of a scope MUST be
        fetched in parallel.""",
                     covers=(MB + 'parallel.listings_together',))
    def test_aggregates_and_zones_fetched_in_parallel(self):
        sim = self.simulated_nova(CLOUD)
        hold = sim.hold('get_aggregate_list')
        scope = Scope(aggregates=['*'], zones=['*'])
        with self.bounded('the build'):
            _, outcome = self.start_build(sim, scope)
            started = sim.wait_for_call('get_service_list',
                                        self.conf.wait_timeout)
            hold.release()
        self.assertTrue(started, 'observed the zones not fetched while the '
                        'aggregates were; the contract demands both at once')
        self.assertModel(sim, self.finish_build(outcome), scope)
