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

"""Events during a build: a compute node deleted while the build runs, at
each point of its host's fetch. The deletion is forced while the call it
must precede is held."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.nova import oracle
from watcher_conformance.tests.model_builder import base

Scope = base.Scope
MB = 'model_builder.'
CLOUD = base.Topology(nodes=8, instances=(1, 4), inventories=0.5,
                      aggregates=2, seed=15)


class NodeVanishingTest(base.ModelBuilderTestCase):

    def vanish_during(self, call, scope, after=()):
        """Build *scope* while the victim's node is deleted just before
        Nova or Placement answers *call* about it, once the calls *after*
        about it have answered.

        :returns: the simulator, the victim and the view.
        """
        sim = self.simulated_nova(CLOUD)
        host = base.victim(sim, scope)
        hold = sim.hold(call, host)
        with self.bounded('a build during which %s vanishes' % host):
            _, outcome = self.start_build(sim, scope)
            self.assertTrue(hold.wait_arrived(1, self.conf.wait_timeout),
                            'the build never called %s(%s)' % (call, host))
            for name in after:
                self.assertTrue(sim.wait_until(lambda: any(
                    c.end is not None for c in sim.named(name)
                    if c.host == host), self.conf.wait_timeout),
                    'the build never called %s(%s)' % (name, host))
            sim.vanish(host)
            hold.release()
            view = self.finish_build(outcome)
        return sim, host, view

    @catalogue.check('3b0bc863-7979-4fdc-bc20-48c195f36aa7', MUST, """
        A compute node deleted while a build runs MUST NOT make the build
        fail: deleted before its compute node or its Placement inventories
        answer (NotFound), it MUST be left out with its instances; deleted
        after both answered, it MUST be modelled with the servers Nova
        lists for it then. The rest of the model MUST be complete.""",
                     covers=(MB + 'events.vanished_before_fetch',
                             MB + 'events.vanished_before_inventories',
                             MB + 'events.vanished_before_servers'))
    def test_node_vanishing_mid_build(self):
        for call, scope in (('get_compute_node_by_name', Scope()),
                            ('get_compute_node_by_name', Scope(zones=['*'])),
                            ('get_inventories', Scope()),
                            ('get_inventories', Scope(aggregates=['*']))):
            sim, host, view = self.vanish_during(call, scope)
            self.assertModel(sim, view, scope, vanished={host}, context=(
                '%s deleted while %s(%s) was waiting for its answer'
                % (host, call, host)))
        sim, host, view = self.vanish_during(
            'get_instance_list', Scope(),
            after=('get_compute_node_by_name', 'get_inventories'))
        want = oracle.expected(sim.cloud, Scope())
        for server in sim.cloud.servers[host]:  # Nova lists none of them
            want.instances.pop(server.uuid, None)
            want.mapping.pop(server.uuid, None)
        self.assertModel(sim, view, want=want, context=(
            '%s deleted after its compute node and inventories answered, '
            'before get_instance_list(%s) did' % (host, host)))
