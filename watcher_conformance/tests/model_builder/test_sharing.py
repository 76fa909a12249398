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

"""Sharing: builds running at once, and audits reaching for one shared
model at once, build each model once and corrupt none."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.model_builder import base

FEATURE = 'model_builder.shared_model'
Scope = base.Scope
CLOUD = base.Topology(nodes=12, instances=(1, 4), aggregates=2, seed=10)
READERS = 4


class ConcurrentBuildTest(base.ModelBuilderTestCase):

    @catalogue.check('dd90ed91-22ff-4b48-ab68-ae997cc5d7d6', MUST, """
        Two builds running at once on one builder, for different scopes,
        MUST each give exactly the model of its own scope.""")
    def test_concurrent_builds_keep_their_scopes(self):
        first = self.simulated_nova(CLOUD)
        second = self.simulated_nova(CLOUD)
        scopes = Scope(aggregates=[1]), Scope(aggregates=[2])
        # The first build stops at its first call while the second runs
        # from start to end: whatever one build keeps on the builder, the
        # other finds.
        hold = first.hold()
        with self.bounded('the first build'):
            _, outcome = self.start_build(first, scopes[0])
            self.assertTrue(hold.wait_arrived(1, self.conf.wait_timeout),
                            'the first build made no Nova call')
        second_view = self.build(second, scopes[1])
        hold.release()
        self.assertModel(first, self.finish_build(outcome), scopes[0])
        self.assertModel(second, second_view, scopes[1])


class SharedModelTest(base.ModelBuilderTestCase):

    def first_access(self):
        """READERS threads reach for a shared model that is not built yet,
        all while its build is stopped at its first Nova call.

        :returns: the simulator, a reference build's number of calls, and
            the models the readers got.
        """
        reference = self.simulated_nova(CLOUD)
        self.build(reference)
        sim = self.simulated_nova(CLOUD)
        with self.bounded('collector()'):
            collector = self.builder.collector(
                sim.nova, sim.placement, Scope(), self.conf.wait_timeout / 4)
        hold = sim.hold()
        readers = []
        with self.bounded('the first access'):
            for _ in range(READERS):
                thread, outcome = self.start_thread(
                    collector.get_latest_cluster_data_model)
                readers.append((thread, outcome))
                if len(readers) == 1:
                    self.assertTrue(
                        hold.wait_arrived(1, self.conf.wait_timeout),
                        'the first access made no Nova call')
                # Every reader gets as far as it can: into the lock the
                # build holds, or into a build of its own.
                self.wait_blocked_or_done(thread)
        hold.release()
        models = [self.finish(o, 'get_latest_cluster_data_model()')
                  for _, o in readers]
        return sim, len(reference.calls), models

    @catalogue.check('8dfef333-86be-444c-aa4f-fb6582bf7794', MUST, """
        Readers reaching at once for a shared model not built yet MUST
        cause one build, not one each.""", feature=FEATURE)
    def test_concurrent_first_access_builds_once(self):
        sim, per_build, _ = self.first_access()
        self.assertEqual(per_build, len(sim.calls),
                         'one build makes %d Nova calls; %d readers '
                         'reaching at once made %d' % (
                             per_build, READERS, len(sim.calls)))

    @catalogue.check('c8b8d20f-d7a2-4126-b2c2-796625eb4ce2', MUST, """
        Every reader reaching at once for a shared model not built yet MUST
        get the complete model.""", feature=FEATURE)
    def test_concurrent_first_readers_get_complete_model(self):
        sim, _, models = self.first_access()
        for model in models:
            with self.bounded('view(model)'):
                self.assertModel(sim, self.builder.view(model))
