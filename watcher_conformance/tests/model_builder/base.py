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
from watcher_conformance.nova import cloud
from watcher_conformance.nova import oracle

Scope = datamodel.Scope
Topology = cloud.Topology
POLICY = 'model_builder.fault_policy'

#: Cloud shapes the completeness checks build, by name. Names of 100 and
#: more nodes make some host names prefixes of others (node-1, node-10).
TOPOLOGIES = {
    'small': Topology(),
    'no compute node': Topology(nodes=0, empty_nodes=0, ironic_nodes=0),
    'only empty nodes': Topology(nodes=0, empty_nodes=5),
    'ironic and libvirt': Topology(nodes=5, ironic_nodes=4, seed=1),
    'mostly deleted': Topology(deleted=0.6, seed=2),
    'a node over 1000 instances': Topology(nodes=3, big_nodes=1,
                                           big_instances=1500),
    'many nodes': Topology(nodes=120, instances=(0, 3), seed=3),
    'stale hosts in aggregates': Topology(stale_hosts=3, seed=4),
    'every node in placement': Topology(inventories=1.0, seed=5),
    'no node in placement': Topology(inventories=0.0, seed=6),
}

#: Nova's latency when a check wants calls to overlap.
LATENCY = 0.001


class ModelBuilderTestCase(base.ConformanceTestCase):
    """The builder in ``self.builder``, and helpers to build models against
    a simulated Nova and judge them."""

    piece_name = 'model_builder'

    def setUp(self):
        super().setUp()
        self.builder = self.piece
        self.policy = self.implementation.policies[POLICY]

    def simulated_nova(self, topology=Topology(), latency=0.0,
                       placement_latency=None):
        """A :class:`~watcher_conformance.nova.api.Simulator` for this test
        (its holds released at cleanup)."""
        return self.useFixture(nova_fixture.SimulatedNova(
            topology, latency=latency, placement_latency=placement_latency,
            hold_timeout=2 * self.conf.wait_timeout)).simulator

    def build(self, sim, scope=Scope(), timeout=None):
        """Build against *sim* (bounded), and return the model's view.

        :param timeout: the builder's Nova timeout (default: a quarter of
            ``wait_timeout``, so that giving up fits in the bound).
        """
        timeout = self.conf.wait_timeout / 4 if timeout is None else timeout
        with self.bounded('build(%s)' % scope):
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

    def assertModel(self, sim, view, scope=Scope(),
                    aspects=oracle.ASPECTS, vanished=()):
        """*view* is what a correct build of *scope* holds in *aspects*."""
        want = oracle.expected(sim.cloud, scope, vanished)
        problems = oracle.differences(want, view, aspects)
        if problems:
            self.fail('model of %s in %s:\n  %s'
                      % (scope, sim.cloud.topology, '\n  '.join(problems)))
        self.assertTrue(view.complete, 'model of %s marked incomplete '
                        'though Nova never failed: %s'
                        % (scope, '; '.join(view.problems)))

    def assertBuilds(self, topologies, scopes=(Scope(),),
                     aspects=oracle.ASPECTS, latency=LATENCY):
        """Every topology named, built for every scope, holds the right
        *aspects*."""
        for name in topologies:
            for scope in scopes:
                sim = self.simulated_nova(TOPOLOGIES[name], latency=latency)
                self.assertModel(sim, self.build(sim, scope), scope, aspects)

    def assertFaultReported(self, sim, scope=Scope(), timeout=None):
        """The build fails the way the implementation's fault policy says:
        it raises, or its model is marked incomplete.

        :returns: the exception raised, or the incomplete model's view.
        """
        if self.policy == 'raise':
            try:
                view = self.build(sim, scope, timeout)
            except Exception as exc:
                if isinstance(exc, AssertionError):
                    raise  # the bound, or a failed check: not the build's
                return exc
            problems = oracle.differences(
                oracle.expected(sim.cloud, scope), view)
            self.fail('Nova failed the build of %s but build() returned a '
                      'model (marked %s, %s) instead of raising'
                      % (scope, 'complete' if view.complete else
                         'incomplete', '; '.join(problems) or
                         'it holds the whole scope'))
        view = self.build(sim, scope, timeout)
        self.assertFalse(view.complete,
                         'Nova failed the build of %s but the model is '
                         'marked complete' % scope)
        return view
