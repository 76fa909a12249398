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

"""What every model builder check builds on."""

from watcher_conformance import base
from watcher_conformance import datamodel
from watcher_conformance.fixtures import nova as nova_fixture
from watcher_conformance.nova import api
from watcher_conformance.nova import cloud
from watcher_conformance.nova import oracle
from watcher_conformance import probes

Scope = datamodel.Scope
POLICY = 'model_builder.fault_policy'


def Topology(**knobs):
    """A cloud shape whose host names are prefixes of none other
    (``node-01`` ... ``node-24``), unless *knobs* say ``padded=False``:
    only the check about host names lets Nova's pattern match find more
    than the host asked for, so that this one defect fails that one
    check."""
    knobs.setdefault('padded', True)
    return cloud.Topology(**knobs)


#: Cloud shapes the completeness checks build, by name.
TOPOLOGIES = {
    'small': Topology(),
    'no compute node': Topology(nodes=0, empty_nodes=0, ironic_nodes=0),
    'one compute node': Topology(nodes=1, empty_nodes=0, ironic_nodes=0,
                                 instances=3, seed=12),
    'only empty nodes': Topology(nodes=0, empty_nodes=5),
    'ironic and libvirt': Topology(nodes=5, ironic_nodes=4, seed=1),
    'mostly deleted': Topology(deleted=0.6, seed=2),
    'a node over 1000 instances': Topology(nodes=3, big_nodes=1,
                                           big_instances=1500),
    'many nodes': Topology(nodes=120, instances=(0, 3), seed=3),
    'stale hosts in aggregates': Topology(stale_hosts=3, seed=4),
    'every node in placement': Topology(inventories=1.0, seed=5),
    'no node in placement': Topology(inventories=0.0, seed=6),
    # The one shape whose host names are prefixes of others (node-1,
    # node-10 ... node-19, node-100 ...).
    'host names prefixes of others': Topology(nodes=120, instances=(0, 3),
                                              seed=3, padded=False),
}

#: Nova's latency when a check wants calls to overlap.
LATENCY = 0.001
#: The calls about one host, as opposed to the listings.
HOST_CALLS = api.HOST_CALLS
#: Every step of a build, by the call it makes, with a scope that makes it.
STEPS = (
    ('get_aggregate_list', Scope(aggregates=['*'])),
    ('get_service_list', Scope(zones=['*'])),
    ('get_compute_node_list', Scope()),
    ('get_compute_node_by_name', Scope()),
    ('get_inventories', Scope()),
    ('get_instance_list', Scope()),
)


def victim(sim, scope=Scope()):
    """A host *scope* selects of a (libvirt) compute node with a live
    instance, whose name is in no other host's name (so that Nova finds
    nothing when its node is gone)."""
    hosts = sorted(sim.cloud.servers)
    selected = oracle.selected_hosts(sim.cloud, scope)
    return next(h for h in hosts
                if sim.cloud.by_host[h].hypervisor_type != 'ironic'
                and h in selected
                and not any(h in other for other in hosts if other != h)
                and any(s.vm_state != 'deleted'
                        for s in sim.cloud.servers[h]))


def told(outcome):
    """What a failed build told: for an exception, each exception of the
    chain a traceback shows (type name and message; a context raised
    "from None" is hidden, so it does not count); for a model, its
    problems."""
    if not isinstance(outcome, BaseException):
        return list(outcome.problems)
    lines, chain = [], outcome
    while chain is not None and len(lines) < 10:
        lines.append('%s: %s' % (type(chain).__name__, chain))
        chain = chain.__cause__ or (
            None if chain.__suppress_context__ else chain.__context__)
    return lines


class ModelBuilderTestCase(base.ConformanceTestCase):
    """The builder in ``self.builder``, and helpers to build models against
    a simulated Nova and judge them."""

    piece_name = 'model_builder'
    #: The fault policy the checks of the class judge; they skip for an
    #: implementation that declares the other one.
    policy_checked = None

    def setUp(self):
        super().setUp()
        self.builder = self.piece
        self.policy = self.implementation.policies[POLICY]
        if self.policy_checked not in (None, self.policy):
            self.skipTest('implementation %r follows %s=%s'
                          % (self.implementation.name, POLICY, self.policy))

    @property
    def hang_timeout(self):
        """The build's timeout where a call hangs: what a hang costs."""
        return self.conf.wait_timeout / 40

    def simulated_nova(self, topology=Topology(), latency=0.0,
                       placement_latency=None):
        """A :class:`~watcher_conformance.nova.api.Simulator` for this test
        (its holds released at cleanup)."""
        return self.useFixture(nova_fixture.SimulatedNova(
            topology, latency=latency, placement_latency=placement_latency,
            hold_timeout=2 * self.conf.wait_timeout)).simulator

    def build(self, sim, scope=Scope(), timeout=None, fault=''):
        """Build against *sim* (bounded), and return the model's view.

        :param timeout: the builder's Nova timeout (default: a quarter of
            ``wait_timeout``, so that giving up fits in the bound).
        :param fault: the fault injected, for the message of a hang.
        """
        timeout = self.conf.wait_timeout / 4 if timeout is None else timeout
        what = 'build(%s)' % scope
        if fault:
            what = ('%s with %s and a timeout of %.2f s (the contract '
                    'demands that it give up on a call after the timeout)'
                    % (what, fault, timeout))
        with self.bounded(what):
            model = self.builder.build(sim.nova, sim.placement, scope,
                                       timeout)
        with self.bounded('view(model)'):
            return self.builder.view(model)

    def start_build(self, sim, scope=Scope(), timeout=None):
        """Start a build in another thread; see :meth:`finish_build`."""
        timeout = self.conf.wait_timeout / 4 if timeout is None else timeout
        return self.start_thread(self.builder.build, sim.nova,
                                 sim.placement, scope, timeout)

    def finish_build(self, outcome):
        """The view of the model a build :meth:`start_build` started gave,
        or its exception raised."""
        model = self.finish(outcome, 'build()')
        with self.bounded('view(model)'):
            return self.builder.view(model)

    def wait_held(self, sim, holds, count):
        """Wait until *count* calls arrived at *holds* (Holds), or until the
        build is stuck short of that: no call started for a quiescence
        window. :returns: the calls held, in arrival order."""
        def held():
            return sorted((c for h in holds for c in h.arrived.items),
                          key=lambda c: c.start)
        with self.bounded('waiting for %d held calls' % count):
            while len(held()) < count:
                seen = len(sim.calls)
                if not sim.wait_until(lambda: len(held()) >= count,
                                      self.conf.quiescence_window):
                    if len(sim.calls) == seen:
                        break  # nothing moves: the build is stuck
        return held()

    def wait_ended(self, sim, call):
        """Wait (bounded) until *call* (a simulator Call) has answered."""
        self.assertTrue(sim.wait_until(lambda: call.end is not None,
                                       self.conf.wait_timeout),
                        '%s(%s) did not answer once released'
                        % (call.name, call.host or ''))

    def assertModel(self, sim, view, scope=Scope(),
                    aspects=oracle.ASPECTS, vanished=(), want=None,
                    context=''):
        """*view* is what a correct build of *scope* holds in *aspects*
        (or *want*, an oracle.Expected), and it is marked complete."""
        want = want or oracle.expected(sim.cloud, scope, vanished)
        problems = oracle.differences(want, view, aspects)
        where = ' (%s)' % context if context else ''
        if problems:
            self.fail('model of %s in %s%s: observed\n  %s\nthe contract '
                      'demands exactly the nodes, instances and mappings of '
                      'the scope' % (scope, sim.cloud.topology, where,
                                     '\n  '.join(problems)))
        self.assertTrue(view.complete, 'model of %s%s: observed it marked '
                        'incomplete (%s) though Nova never failed; the '
                        'contract demands a complete model'
                        % (scope, where, '; '.join(view.problems)))

    def assertBuilds(self, topologies, scopes=(Scope(),),
                     aspects=oracle.ASPECTS, latency=LATENCY):
        """Every topology named, built for every scope, holds the right
        *aspects*."""
        for name in topologies:
            topology = (TOPOLOGIES[name] if isinstance(name, str)
                        else name)
            for scope in scopes:
                sim = self.simulated_nova(topology, latency=latency)
                self.assertModel(sim, self.build(sim, scope), scope, aspects)

    def assertFaultReported(self, sim, scope=Scope(), timeout=None,
                            fault=''):
        """The build fails the way the implementation's fault policy says:
        it raises, or its model is marked incomplete.

        :param fault: the fault injected, for the messages.
        :returns: the exception raised, or the incomplete model's view.
        """
        what = ' (%s)' % fault if fault else ''
        if self.policy == 'raise':
            try:
                view = self.build(sim, scope, timeout, fault)
            except Exception as exc:
                if isinstance(exc, AssertionError):
                    raise  # the bound, or a failed check: not the build's
                return exc
            problems = oracle.differences(
                oracle.expected(sim.cloud, scope), view)
            self.fail('Nova failed the build of %s%s: observed build() '
                      'return a model (marked %s, %s); the raise policy '
                      'demands that build() raise'
                      % (scope, what, 'complete' if view.complete else
                         'incomplete', '; '.join(problems) or
                         'it holds the whole scope'))
        view = self.build(sim, scope, timeout, fault)
        self.assertFalse(view.complete,
                         'Nova failed the build of %s%s: observed a model '
                         'marked complete (%s); the mark_incomplete policy '
                         'demands complete=False'
                         % (scope, what, '; '.join(oracle.differences(
                             oracle.expected(sim.cloud, scope), view))
                            or 'it holds the whole scope'))
        return view

    def settle(self):
        """Let whatever is ready run for a quiescence window (only to
        observe that something does NOT happen)."""
        probes.settle(self.conf.quiescence_window)
