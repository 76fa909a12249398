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

"""Faults: every step of a build against every kind of fault. A failing,
timing-out, hung or malformed answer never yields a model that silently
lacks part of its scope or covers another scope, the failure says which
call failed and how, and a slow answer within the timeout is no fault."""

import time

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.fixtures import deadlock
from watcher_conformance.nova import faults
from watcher_conformance.nova import oracle
from watcher_conformance.tests.model_builder import base

Fault = faults.Fault
Scope = base.Scope
MB = 'model_builder.'
POLICIES = (MB + 'policy.raise_raises', MB + 'policy.mark_marks')
# Without Placement inventories, so that the hypervisors' capacities are
# what the model holds, and a malformed one matters. Host names are
# prefixes of none other (base.Topology).
CLOUD = base.Topology(nodes=10, instances=(1, 4), inventories=0.0,
                      aggregates=3, seed=9)
#: What a failure must say for each kind of fault (any of the words).
KIND_WORDS = {
    faults.ERROR: ('injected error',),  # Nova's own message
    faults.TIMEOUT: ('timed out',),  # Nova's own message
    faults.HANG: ('timeout', 'timed out', 'no answer'),
    faults.MALFORMED: ('malformed',),
}


def _steps(*calls):
    return [(call, scope) for call, scope in base.STEPS if call in calls]


class FaultTestCase(base.ModelBuilderTestCase):
    """Simulated Novas with a fault at one step."""

    def faulty(self, kind, call, malformation=None, delay=0.0, times=None):
        """A simulated Nova of CLOUD whose *call* (about the victim host,
        for a call about one host) has a fault of *kind*.

        :returns: the simulator, the victim host (or None) and the fault's
            description.
        """
        sim = self.simulated_nova(CLOUD)
        host = base.victim(sim) if call in base.HOST_CALLS else None
        sim.inject(Fault(kind, call, host=host, malformation=malformation,
                         delay=delay, times=times))
        return sim, host, '%s%s in %s(%s)' % (
            kind, ' (%s)' % malformation if malformation else '', call,
            host or '')

    def scenarios(self, kind, steps=base.STEPS):
        """(call, scope, malformation) for every step, and every
        malformation of the step's records."""
        for call, scope in steps:
            if kind == faults.MALFORMED:
                for malformation in faults.MALFORMATIONS[call]:
                    yield call, scope, malformation
            else:
                yield call, scope, None

    def timeout_for(self, kind):
        return self.hang_timeout if kind == faults.HANG else None

    def assertStepsFail(self, kind, steps=base.STEPS, scope=None):
        """Each step of *steps* with a fault of *kind* (every malformation
        of its records, for MALFORMED) makes the build fail as the policy
        says."""
        for call, step_scope, malformation in self.scenarios(kind, steps):
            sim, _, fault = self.faulty(kind, call, malformation)
            self.assertFaultReported(sim, scope or step_scope,
                                     self.timeout_for(kind), fault=fault)
            sim.release_all()  # a hung call gives its worker back

    def failure(self, sim, scope, timeout):
        """The exception the build raised or the incomplete model's view,
        as the policy says; None if the build did neither (or did not end:
        test_hung_call_reported judges that)."""
        try:
            if self.policy == 'raise':
                try:
                    self.build(sim, scope, timeout)
                except AssertionError:
                    raise
                except Exception as exc:
                    return exc
                return None
            view = self.build(sim, scope, timeout)
        except deadlock.HangDetected:
            sim.release_all()  # the build ends with Nova's Timeout
            return None
        return None if view.complete else view


class FaultTest(FaultTestCase):

    @catalogue.check('30d2e4b7-4820-413d-a9ed-9b89992de869', MUST, """
        A compute node Nova fails to return MUST make the build fail as the
        fault policy says (raise, or mark the model incomplete).""",
                     covers=(MB + 'faults.node_error',) + POLICIES)
    def test_node_fetch_error_reported(self):
        self.assertStepsFail(faults.ERROR,
                             _steps('get_compute_node_by_name'))

    @catalogue.check('dd7e2a0f-2f4f-4209-bfc7-a1a74a9a03f9', MUST, """
        A node's instances Nova fails to list MUST make the build fail as
        the fault policy says.""",
                     covers=(MB + 'faults.instances_error',) + POLICIES)
    def test_instance_list_error_reported(self):
        self.assertStepsFail(faults.ERROR, _steps('get_instance_list'))

    @catalogue.check('d1b018b6-e2b5-4f9a-80fe-55368bea1e14', MUST, """
        Host aggregates Nova fails to list MUST make an aggregate-scoped
        build fail as the fault policy says; the model MUST NOT fall back
        to another scope.""",
                     covers=(MB + 'faults.aggregates_error',) + POLICIES)
    def test_aggregate_list_error_reported(self):
        self.assertStepsFail(faults.ERROR, _steps('get_aggregate_list'),
                             scope=Scope(aggregates=[1]))

    @catalogue.check('28e35f72-28bd-4a7e-93c5-6c6a31a51bfe', MUST, """
        Compute services Nova fails to list MUST make a zone-scoped build
        fail as the fault policy says; the model MUST NOT fall back to
        another scope.""",
                     covers=(MB + 'faults.services_error',) + POLICIES)
    def test_service_list_error_reported(self):
        self.assertStepsFail(faults.ERROR, _steps('get_service_list'),
                             scope=Scope(zones=['az-1']))

    @catalogue.check('284a2d10-784f-42fc-bccd-2f2738dd92df', MUST, """
        A failure to list the compute nodes MUST make a whole-cloud build
        fail as the fault policy says.""",
                     covers=(MB + 'faults.node_list_error',) + POLICIES)
    def test_compute_node_list_error_reported(self):
        self.assertStepsFail(faults.ERROR, _steps('get_compute_node_list'))

    @catalogue.check('0efaad72-30db-449a-ab75-58b05741a5ad', MUST, """
        A node's inventories Placement fails to return MUST make the build
        fail as the fault policy says: capacities MUST NOT silently fall
        back to the hypervisor's.""",
                     covers=(MB + 'faults.placement_error',) + POLICIES)
    def test_placement_error_reported(self):
        self.assertStepsFail(faults.ERROR, _steps('get_inventories'))

    @catalogue.check('e2a7c7ab-04e4-4c7f-b2e4-972e0336538a', MUST, """
        A Nova or Placement call that times out MUST make the build fail as
        the fault policy says, at every step: the aggregate, service and
        compute node lists, a compute node, its inventories, its
        servers.""", covers=(MB + 'faults.timeout',) + POLICIES)
    def test_timeout_reported(self):
        self.assertStepsFail(faults.TIMEOUT)

    @catalogue.check('581a4e19-7dfa-4831-8928-66f2c38377cf', MUST, """
        A Nova or Placement call that does not answer within the build's
        timeout MUST make the build fail as the fault policy says, at every
        step, within a bounded time: without waiting for the call.""",
                     covers=(MB + 'faults.hang',) + POLICIES)
    def test_hung_call_reported(self):
        self.assertStepsFail(faults.HANG)

    @catalogue.check('46772c3e-d8b8-4f71-b6f2-5de3f4f0a280', MUST, """
        A malformed compute node or inventory (a uuid that is no uuid, a
        negative or missing capacity) MUST make the build fail as the fault
        policy says.""",
                     covers=(MB + 'faults.malformed_node',
                             MB + 'faults.malformed_inventory') + POLICIES)
    def test_malformed_node_reported(self):
        self.assertStepsFail(faults.MALFORMED, _steps(
            'get_compute_node_by_name', 'get_inventories'))

    @catalogue.check('f8b86f6b-d670-4d3e-9ef2-a7624735469c', MUST, """
        A malformed server (a flavor without ram, a negative count, a uuid
        that is no uuid) MUST make the build fail as the fault policy says.
        """, covers=(MB + 'faults.malformed_server',) + POLICIES)
    def test_malformed_server_reported(self):
        self.assertStepsFail(faults.MALFORMED, _steps('get_instance_list'))

    @catalogue.check('3112320b-bc86-4cab-919e-9511dc2a5a82', MUST, """
        A malformed aggregate or compute service MUST make a scoped build
        fail, and a listed compute node without its host a whole-cloud
        build, as the fault policy says.""",
                     covers=(MB + 'faults.malformed_listing',) + POLICIES)
    def test_malformed_scope_reported(self):
        self.assertStepsFail(faults.MALFORMED, _steps(
            'get_aggregate_list', 'get_service_list',
            'get_compute_node_list'))

    @catalogue.check('b53432dc-e49c-415e-b044-26e491d37844', MUST, """
        A node that vanishes between being listed and being fetched MUST be
        left out of a model that is otherwise complete: it is not a
        fault.""", covers=(MB + 'events.vanished_before_fetch',))
    def test_vanished_node_left_out(self):
        sim = self.simulated_nova(CLOUD)
        gone = base.victim(sim)
        sim.vanish(gone)
        for scope in (Scope(), Scope(zones=['*'])):
            self.assertModel(sim, self.build(sim, scope), scope,
                             vanished={gone})

    @catalogue.check('aa427a11-ee30-4b61-8b24-4f95e8d420be', MUST, """
        A slow Nova or Placement that answers every call within the build's
        timeout MUST give a complete model, at every step, even when the
        whole build takes longer than the timeout: the timeout bounds each
        answer, not the build.""",
                     covers=(MB + 'faults.slow_not_fault',
                             MB + 'faults.timeout_per_answer'))
    def test_slow_nova_is_no_fault(self):
        # Balanced margins: a builder answering each call within the
        # timeout waits at most two delays at once (a node, then its
        # inventories), 1/3 of the timeout short of it; one bounding the
        # whole build overruns it by 1/3.
        timeout = max(self.conf.wait_timeout / 20, 0.5)
        delay = timeout / 3
        sim = self.simulated_nova(CLOUD)
        host = base.victim(sim)
        # Every step slow, one after the other for one host: the listings,
        # its compute node, its inventories, its servers. Each answers well
        # within the timeout; together they take longer than it.
        slow = [('get_aggregate_list', None), ('get_service_list', None),
                ('get_compute_node_by_name', host), ('get_inventories', host),
                ('get_instance_list', host)]
        for call, about in slow:
            sim.inject(Fault(faults.SLOW, call, host=about, delay=delay))
        scope = Scope(aggregates=['*'], zones=['*'])
        start = time.monotonic()
        view = self.build(sim, scope, timeout)
        self.assertModel(sim, view, scope, context=(
            '%s each %.2f s slow, the timeout %.2f s, the build took %.2f s'
            % (', '.join('%s(%s)' % (c, h or '') for c, h in slow), delay,
               timeout, time.monotonic() - start)))
        sim = self.simulated_nova(CLOUD)
        sim.inject(Fault(faults.SLOW, 'get_compute_node_list', delay=delay))
        self.assertModel(sim, self.build(sim, timeout=timeout),
                         context='get_compute_node_list() %.2f s slow, '
                         'the timeout %.2f s' % (delay, timeout))

    @catalogue.check('1ae3d4df-33fe-42dc-b234-102866f0820d', MUST, """
        A builder whose build failed (an error, a malformed record, a hung
        call still unanswered) MUST build complete models afterwards.""",
                     covers=(MB + 'faults.recovers',))
    def test_builder_recovers_after_fault(self):
        for kind, call, malformation in (
                (faults.ERROR, 'get_instance_list', None),
                (faults.MALFORMED, 'get_compute_node_by_name',
                 'uuid not a uuid'),
                (faults.HANG, 'get_compute_node_by_name', None)):
            sim, _, fault = self.faulty(kind, call, malformation, times=1)
            self.assertFaultReported(sim, timeout=self.timeout_for(kind),
                                     fault=fault)
            # The hung call still holds its worker: the next build does
            # without it.
            self.assertModel(sim, self.build(sim),
                             context='the build after one with ' + fault)
            sim.release_all()

    @catalogue.check('93c34a73-ecb4-4c64-ac72-cb137a336ca1', MUST, """
        A build that fails MUST name the call that failed (and its host),
        and say the kind of fault (Nova's error, a timeout, no answer, a
        malformed record), at every step.""",
                     covers=(MB + 'faults.names_step',
                             MB + 'faults.names_kind'))
    def test_failure_names_the_call(self):
        for kind in (faults.ERROR, faults.TIMEOUT, faults.MALFORMED,
                     faults.HANG):
            for call, scope, malformation in self.scenarios(kind):
                sim, host, fault = self.faulty(kind, call, malformation)
                outcome = self.failure(sim, scope, self.timeout_for(kind))
                sim.release_all()
                if outcome is None:
                    continue  # not reported at all: the checks above say
                lines = base.told(outcome)
                text = '\n'.join(lines)
                missing = [what for what, found in (
                    ('the call %s' % call, call in text),
                    ('the host %s' % host, host is None or host in text),
                    ('the kind (%s)' % ' or '.join(KIND_WORDS[kind]),
                     any(w in text.lower() for w in KIND_WORDS[kind])))
                    if not found]
                self.assertFalse(missing, 'the failure of a build with %s '
                                 'does not name %s: observed %s; the '
                                 'contract demands the call, its host and '
                                 'the kind of fault' % (
                                     fault, ', '.join(missing), lines))


#: Faults under which an incomplete model is judged: (kind, call,
#: malformation, scope).
INCOMPLETE = [
    (faults.ERROR, 'get_aggregate_list', None, Scope(aggregates=[1])),
    (faults.ERROR, 'get_aggregate_list', None,
     Scope(aggregates=['*'], zones=['az-1'])),
    (faults.ERROR, 'get_service_list', None,
     Scope(aggregates=[1], zones=['*'])),
    (faults.ERROR, 'get_compute_node_list', None, Scope()),
    (faults.ERROR, 'get_compute_node_by_name', None, Scope()),
    (faults.ERROR, 'get_inventories', None, Scope()),
    (faults.ERROR, 'get_instance_list', None, Scope()),
    (faults.MALFORMED, 'get_aggregate_list', 'hosts missing',
     Scope(aggregates=['*'], zones=['az-1'])),
    (faults.MALFORMED, 'get_compute_node_by_name', 'negative memory',
     Scope()),
    (faults.MALFORMED, 'get_inventories', 'negative total', Scope()),
    (faults.MALFORMED, 'get_instance_list', 'flavor without ram', Scope()),
]


class IncompleteModelTest(FaultTestCase):
    """What an incomplete model holds (the mark_incomplete policy)."""

    policy_checked = 'mark_incomplete'

    def incomplete_models(self):
        """(simulator, scope, fault, view, what the fault did not touch)
        for each fault of INCOMPLETE."""
        for kind, call, malformation, scope in INCOMPLETE:
            sim, host, fault = self.faulty(kind, call, malformation)
            view = self.assertFaultReported(sim, scope, fault=fault)
            want = oracle.expected(sim.cloud, scope)
            if host is not None:
                untouched = oracle.expected(sim.cloud, scope,
                                            vanished={host})
            elif call == 'get_aggregate_list' and scope.zones:
                untouched = oracle.expected(sim.cloud,
                                            Scope(zones=scope.zones))
            elif call == 'get_service_list' and scope.aggregates:
                untouched = oracle.expected(
                    sim.cloud, Scope(aggregates=scope.aggregates))
            else:
                untouched = oracle.Expected({}, {}, {})
            yield sim, scope, fault, view, want, untouched

    @catalogue.check('2dbe5eb3-ec83-472f-834e-038651e218c3', MUST, """
        Under the mark_incomplete policy, a model that a fault left
        incomplete MUST hold nothing outside its scope and nothing wrong
        (attributes, mappings, instances without their node).""",
                     covers=(MB + 'policy.incomplete_holds_only_truth',))
    def test_incomplete_model_holds_only_truth(self):
        for sim, scope, fault, view, want, _ in self.incomplete_models():
            wrong = oracle.differences(want, view, held_only=True)
            self.assertFalse(wrong, 'the incomplete model of %s after %s: '
                             'observed\n  %s\nthe contract demands only '
                             'correct parts of the scope'
                             % (scope, fault, '\n  '.join(wrong)))

    @catalogue.check('d513cc8b-ef79-441c-bc8e-982476e5c521', MUST, """
        Under the mark_incomplete policy, a model that a fault left
        incomplete MUST still hold every host the fault did not touch, with
        all its instances.""",
                     covers=(MB + 'policy.incomplete_keeps_untouched',))
    def test_incomplete_model_keeps_untouched_hosts(self):
        for sim, scope, fault, view, _, untouched in \
                self.incomplete_models():
            nodes = {n['uuid'] for n in view.nodes}
            instances = {i['uuid'] for i in view.instances}
            lost = ['node %s' % sim.cloud.host_of_provider[u]
                    for u in sorted(set(untouched.nodes) - nodes)]
            lost += ['instance %s' % u[:8]
                     for u in sorted(set(untouched.instances) - instances)]
            self.assertFalse(lost, 'the incomplete model of %s after %s '
                             'lacks %d part(s) the fault did not touch: '
                             'observed %s missing; the contract demands '
                             'every untouched host, whole'
                             % (scope, fault, len(lost), ', '.join(lost[:6])))
