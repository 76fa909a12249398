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

"""Order: the model does not depend on the order Nova answers in. Each
order is forced with held calls, released one by one."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.model_builder import base

MB = 'model_builder.'


class AnswerOrderTest(base.ModelBuilderTestCase):

    def cloud(self):
        """As many hosts as workers, each with instances: every compute
        node fetch can be in flight at once."""
        return base.Topology(nodes=self.conf.max_workers, empty_nodes=0,
                             ironic_nodes=0, instances=(2, 4), seed=11)

    def nodes_in_reverse(self):
        """The compute nodes answer in the reverse of the order they were
        asked for: the last asked first, each once the one before it has
        been taken in (its Placement inventories answered)."""
        sim = self.simulated_nova(self.cloud())
        hosts = sorted(sim.cloud.by_host)
        holds = {h: sim.hold('get_compute_node_by_name', h) for h in hosts}
        with self.bounded('a build whose nodes answer in reverse'):
            _, outcome = self.start_build(sim)
            held = self.wait_held(sim, list(holds.values()), len(hosts))
            for call in reversed(held):
                holds[call.host].release()
                self.wait_ended(sim, call)
                sim.wait_until(lambda: any(
                    c.end is not None
                    for c in sim.named('get_inventories')
                    if c.host == call.host), self.conf.wait_timeout)
            for hold in holds.values():  # those not in flight at once
                hold.release()
            view = self.finish_build(outcome)
        order = ', '.join(c.host for c in reversed(held))
        self.assertModel(sim, view, context='the compute nodes answered in '
                         'the order %s, the reverse of the order asked'
                         % order)

    def servers_before_node(self):
        """A host's servers answer before its compute node, if the builder
        asks for both at once (a builder that asks for the servers once the
        node has answered is judged on the usual order)."""
        sim = self.simulated_nova(self.cloud())
        hosts = sorted(sim.cloud.by_host)
        host = hosts[0]
        node = sim.hold('get_compute_node_by_name', host)
        servers = sim.hold('get_instance_list', host)

        def others_done():
            done = {c.host for c in sim.named('get_instance_list')
                    if c.end is not None}
            return servers.arrived.items or done >= set(hosts[1:])
        with self.bounded('a build whose servers answer before a node'):
            _, outcome = self.start_build(sim)
            self.assertTrue(node.wait_arrived(1, self.conf.wait_timeout),
                            'the build never asked for the compute node '
                            'of %s' % host)
            sim.wait_until(others_done, self.conf.wait_timeout)
            if not servers.arrived.items:
                self.settle()  # does it ask for the servers at all?
            inverted = bool(servers.arrived.items)
            if inverted:
                servers.release()
                self.wait_ended(sim, servers.arrived.items[0])
            node.release()
            servers.release()
            view = self.finish_build(outcome)
        self.assertModel(sim, view, context=(
            'the servers of %s answered before its compute node' % host
            if inverted else 'the servers of %s asked for after its node'
            % host))

    @catalogue.check('f45b7632-741e-4509-86e6-a477df4ee3c3', MUST, """
        The model MUST NOT depend on the order in which Nova answers: the
        compute nodes answering in the reverse of the order they were asked
        for, and a node's servers answering before the node, MUST give the
        same complete model.""",
                     covers=(MB + 'order.any_answer_order',))
    def test_answers_in_any_order(self):
        self.nodes_in_reverse()
        self.servers_before_node()
