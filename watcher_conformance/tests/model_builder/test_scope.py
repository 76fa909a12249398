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

"""Scopes: a scoped model holds exactly the hosts its scope selects."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.model_builder import base

Scope = base.Scope
MB = 'model_builder.'
# Host names prefixes of none other (base.Topology): only the check about
# host names judges Nova's pattern match.
CLOUD = base.Topology(nodes=12, aggregates=4, zones=3, stale_hosts=2,
                      seed=7)


class ScopeTest(base.ModelBuilderTestCase):

    def assertScoped(self, *scopes):
        for scope in scopes:
            sim = self.simulated_nova(CLOUD, latency=base.LATENCY)
            self.assertModel(sim, self.build(sim, scope), scope)

    @catalogue.check('828900e9-251c-409d-81f7-eb3f44b93552', MUST, """
        A scope naming host aggregates by id MUST model exactly their
        hosts.""",
                     covers=(MB + 'scope.aggregates_by_id',))
    def test_aggregates_by_id(self):
        self.assertScoped(Scope(aggregates=[2]), Scope(aggregates=[1, 3]))

    @catalogue.check('8619ac17-91de-4798-b130-20965a404a10', MUST, """
        A scope naming host aggregates by name MUST model exactly their
        hosts.""",
                     covers=(MB + 'scope.aggregates_by_name',))
    def test_aggregates_by_name(self):
        self.assertScoped(Scope(aggregates=['agg-4']),
                          Scope(aggregates=['agg-1', 2]))

    @catalogue.check('4c27124f-4524-4f0c-a8b1-76df60c5b7d4', MUST, """
        A scope naming availability zones MUST model exactly the hosts of
        their compute services.""",
                     covers=(MB + 'scope.zones',))
    def test_zones_by_name(self):
        self.assertScoped(Scope(zones=['az-2']), Scope(zones=['az-1',
                                                              'az-3']))

    @catalogue.check('651a0740-985a-4238-a19d-cdd764043226', MUST, """
        A scope naming both aggregates and zones MUST model the hosts of
        either.""",
                     covers=(MB + 'scope.union',))
    def test_aggregates_and_zones_together(self):
        self.assertScoped(Scope(aggregates=[1], zones=['az-2']))

    @catalogue.check('e31211cd-941f-4d5c-b32c-1b94f189bfd7', MUST, """
        A scope of every aggregate ('*') MUST model the hosts that are in
        some aggregate, and no other.""",
                     covers=(MB + 'scope.every_aggregate',))
    def test_every_aggregate(self):
        self.assertScoped(Scope(aggregates=['*']),
                          Scope(aggregates=['*'], zones=['az-1']))

    @catalogue.check('97c68e62-8df5-43a8-8559-7db17fd4aa75', MUST, """
        A scope that selects no host MUST give an empty model: it MUST NOT
        be widened to the whole cloud.""",
                     covers=(MB + 'scope.selects_nothing',))
    def test_scope_selecting_nothing_models_nothing(self):
        self.assertScoped(Scope(aggregates=[404]), Scope(zones=['nowhere']),
                          Scope(aggregates=['no-such-aggregate'],
                                zones=['nowhere']))

    @catalogue.check('6728099d-5866-46ef-a8d5-51b475c78d53', MUST, """
        Hosts a scope names that Nova has no compute node for MUST be left
        out, and the rest of the scope MUST still be modelled.""",
                     covers=(MB + 'scope.stale_hosts',))
    def test_stale_hosts_left_out(self):
        sim = self.simulated_nova(CLOUD, latency=base.LATENCY)
        scope = Scope(aggregates=[a.id for a in sim.cloud.aggregates
                                  if any(h.startswith('gone-')
                                         for h in a.hosts)])
        self.assertTrue(scope.aggregates, 'the cloud has no stale host')
        self.assertModel(sim, self.build(sim, scope), scope)
