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

"""Faults: a failing, timing-out or malformed Nova answer never yields a
model that silently lacks part of its scope, or covers another scope."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.nova import faults
from watcher_conformance.tests.model_builder import base

Fault = faults.Fault
Scope = base.Scope
# Without Placement inventories, so that the hypervisors' capacities are
# what the model holds, and a malformed one matters.
CLOUD = base.Topology(nodes=10, instances=(1, 4), inventories=0.0,
                      aggregates=3, seed=9)


class FaultTest(base.ModelBuilderTestCase):

    def victim(self, sim):
        """A host of a (libvirt) compute node with a live instance, whose
        name is in no other host's name (so that Nova finds nothing when
        its node is gone)."""
        hosts = sorted(sim.cloud.servers)
        return next(h for h in hosts
                    if sim.cloud.by_host[h].hypervisor_type != 'ironic'
                    and not any(h in other for other in hosts if other != h)
                    and any(s.vm_state != 'deleted'
                            for s in sim.cloud.servers[h]))

    def assertFaultsReported(self, *faults_, scope=Scope(), timeout=None):
        for fault in faults_:
            sim = self.simulated_nova(CLOUD)
            if fault.host == 'victim':
                fault.host = self.victim(sim)
            sim.inject(fault)
            self.assertFaultReported(sim, scope, timeout)

    @catalogue.check('30d2e4b7-4820-413d-a9ed-9b89992de869', MUST, """
        A compute node Nova fails to return MUST make the build fail as the
        fault policy says (raise, or mark the model incomplete).""")
    def test_node_fetch_error_reported(self):
        self.assertFaultsReported(
            Fault(faults.ERROR, 'get_compute_node_by_name', host='victim'))

    @catalogue.check('dd7e2a0f-2f4f-4209-bfc7-a1a74a9a03f9', MUST, """
        A node's instances Nova fails to list MUST make the build fail as
        the fault policy says.""")
    def test_instance_list_error_reported(self):
        self.assertFaultsReported(
            Fault(faults.ERROR, 'get_instance_list', host='victim'))

    @catalogue.check('d1b018b6-e2b5-4f9a-80fe-55368bea1e14', MUST, """
        Host aggregates Nova fails to list MUST make an aggregate-scoped
        build fail as the fault policy says; the model MUST NOT fall back
        to another scope.""")
    def test_aggregate_list_error_reported(self):
        self.assertFaultsReported(Fault(faults.ERROR, 'get_aggregate_list'),
                                  scope=Scope(aggregates=[1]))

    @catalogue.check('28e35f72-28bd-4a7e-93c5-6c6a31a51bfe', MUST, """
        Compute services Nova fails to list MUST make a zone-scoped build
        fail as the fault policy says; the model MUST NOT fall back to
        another scope.""")
    def test_service_list_error_reported(self):
        self.assertFaultsReported(Fault(faults.ERROR, 'get_service_list'),
                                  scope=Scope(zones=['az-1']))

    @catalogue.check('284a2d10-784f-42fc-bccd-2f2738dd92df', MUST, """
        A failure to list the compute nodes MUST make a whole-cloud build
        fail as the fault policy says.""")
    def test_compute_node_list_error_reported(self):
        self.assertFaultsReported(Fault(faults.ERROR,
                                        'get_compute_node_list'))

    @catalogue.check('0efaad72-30db-449a-ab75-58b05741a5ad', MUST, """
        A node's inventories Placement fails to return MUST make the build
        fail as the fault policy says: capacities MUST NOT silently fall
        back to the hypervisor's.""")
    def test_placement_error_reported(self):
        self.assertFaultsReported(
            Fault(faults.ERROR, 'get_inventories', host='victim'))

    @catalogue.check('e2a7c7ab-04e4-4c7f-b2e4-972e0336538a', MUST, """
        A Nova call that times out MUST make the build fail as the fault
        policy says.""")
    def test_timeout_reported(self):
        self.assertFaultsReported(
            Fault(faults.TIMEOUT, 'get_instance_list', host='victim'),
            Fault(faults.TIMEOUT, 'get_compute_node_by_name',
                  host='victim'))

    @catalogue.check('581a4e19-7dfa-4831-8928-66f2c38377cf', MUST, """
        A Nova call that does not answer within the build's timeout MUST
        make the build fail as the fault policy says, within a bounded
        time.""")
    def test_hung_call_reported(self):
        self.assertFaultsReported(
            Fault(faults.HANG, 'get_instance_list', host='victim'),
            Fault(faults.HANG, 'get_compute_node_by_name', host='victim'),
            timeout=self.conf.wait_timeout / 10)

    @catalogue.check('46772c3e-d8b8-4f71-b6f2-5de3f4f0a280', MUST, """
        A malformed compute node or inventory (a uuid that is no uuid, a
        negative or missing capacity) MUST make the build fail as the fault
        policy says.""")
    def test_malformed_node_reported(self):
        self.assertFaultsReported(*(
            [Fault(faults.MALFORMED, 'get_compute_node_by_name',
                   host='victim', malformation=m)
             for m in faults.MALFORMATIONS['get_compute_node_by_name']]
            + [Fault(faults.MALFORMED, 'get_inventories', host='victim',
                     malformation='negative total')]))

    @catalogue.check('f8b86f6b-d670-4d3e-9ef2-a7624735469c', MUST, """
        A malformed server (a flavor without ram, a negative count, a uuid
        that is no uuid) MUST make the build fail as the fault policy says.
        """)
    def test_malformed_server_reported(self):
        self.assertFaultsReported(*(
            Fault(faults.MALFORMED, 'get_instance_list', host='victim',
                  malformation=m)
            for m in faults.MALFORMATIONS['get_instance_list']))

    @catalogue.check('3112320b-bc86-4cab-919e-9511dc2a5a82', MUST, """
        A malformed aggregate or compute service MUST make a scoped build
        fail as the fault policy says.""")
    def test_malformed_scope_reported(self):
        self.assertFaultsReported(
            Fault(faults.MALFORMED, 'get_aggregate_list',
                  malformation='hosts missing'),
            scope=Scope(aggregates=['*']))
        self.assertFaultsReported(
            Fault(faults.MALFORMED, 'get_service_list',
                  malformation='host missing'),
            scope=Scope(zones=['*']))

    @catalogue.check('b53432dc-e49c-415e-b044-26e491d37844', MUST, """
        A node that vanishes between being listed and being fetched MUST be
        left out of a model that is otherwise complete: it is not a
        fault.""")
    def test_vanished_node_left_out(self):
        sim = self.simulated_nova(CLOUD)
        gone = self.victim(sim)
        sim.vanish(gone)
        for scope in (Scope(), Scope(zones=['*'])):
            self.assertModel(sim, self.build(sim, scope), scope,
                             vanished={gone})

    @catalogue.check('aa427a11-ee30-4b61-8b24-4f95e8d420be', MUST, """
        A slow Nova that answers within the build's timeout MUST give a
        complete model: slowness is not a fault.""")
    def test_slow_nova_is_no_fault(self):
        sim = self.simulated_nova(CLOUD)
        sim.inject(Fault(faults.SLOW, 'get_instance_list',
                         host=self.victim(sim),
                         delay=self.conf.wait_timeout / 10))
        self.assertModel(sim, self.build(sim, timeout=self.conf.wait_timeout
                                         / 2))

    @catalogue.check('1ae3d4df-33fe-42dc-b234-102866f0820d', MUST, """
        A builder whose build failed MUST build complete models
        afterwards.""")
    def test_builder_recovers_after_fault(self):
        sim = self.simulated_nova(CLOUD)
        sim.inject(Fault(faults.ERROR, 'get_instance_list',
                         host=self.victim(sim), times=1))
        self.assertFaultReported(sim)
        self.assertModel(sim, self.build(sim))

    @catalogue.check('93c34a73-ecb4-4c64-ac72-cb137a336ca1', MUST, """
        A build that fails MUST say which Nova call failed, and why.""")
    def test_failure_names_the_call(self):
        sim = self.simulated_nova(CLOUD)
        host = self.victim(sim)
        sim.inject(Fault(faults.ERROR, 'get_instance_list', host=host))
        outcome = self.assertFaultReported(sim)
        if isinstance(outcome, Exception):
            # The chain a traceback shows: a context raised "from None"
            # is hidden, so it does not count.
            told, chain = [], outcome
            while chain is not None and len(told) < 10:
                told.append(str(chain))
                chain = chain.__cause__ or (
                    None if chain.__suppress_context__ else chain.__context__)
        else:
            told = list(outcome.problems)
        self.assertTrue(any('injected error' in t and host in t
                            for t in told),
                        'the failure does not name %s or carry Nova\'s '
                        'error: %s' % (host, told))
