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
from watcher_conformance.nova import faults
from watcher_conformance.tests.model_builder import base

FEATURE = 'model_builder.shared_model'
Scope = base.Scope
MB = 'model_builder.'
CLOUD = base.Topology(nodes=12, instances=(1, 4), aggregates=2, seed=10)
OTHER_CLOUD = base.Topology(nodes=9, instances=(0, 5), aggregates=3,
                            zones=3, inventories=1.0, seed=16)
READERS = 4


class ConcurrentBuildTest(base.ModelBuilderTestCase):

    def host_of(self, sim, scope):
        """A host *scope* selects whose compute node Nova knows."""
        return base.victim(sim, scope)

    @catalogue.check('dd90ed91-22ff-4b48-ab68-ae997cc5d7d6', MUST, """
        Two builds running at once on one builder, of different clouds and
        scopes, MUST each give exactly the model of its own cloud and scope,
        however their calls interleave.""",
                     covers=(MB + 'sharing.builds_isolated',))
    def test_concurrent_builds_keep_their_scopes(self):
        scopes = Scope(aggregates=[1]), Scope(aggregates=[2], zones=['az-3'])
        # Whatever one build keeps on the builder, the other finds:
        # 1. the first stops at its first call while the second runs from
        #    start to end;
        # 2. the first stops at a compute node, half built, while the
        #    second runs from start to end;
        # 3. both stop at a compute node; the second is released first.
        for case in ('first call', 'mid-build', 'both mid-build'):
            first = self.simulated_nova(CLOUD)
            second = self.simulated_nova(OTHER_CLOUD)
            if case == 'first call':
                hold = first.hold()
            else:
                hold = first.hold('get_compute_node_by_name',
                                  self.host_of(first, scopes[0]))
            with self.bounded('two builds at once (%s)' % case):
                _, first_outcome = self.start_build(first, scopes[0])
                self.assertTrue(hold.wait_arrived(1, self.conf.wait_timeout),
                                'the first build made no Nova call')
                if case == 'both mid-build':
                    other = second.hold('get_compute_node_by_name',
                                        self.host_of(second, scopes[1]))
                    _, second_outcome = self.start_build(second, scopes[1])
                    self.assertTrue(
                        other.wait_arrived(1, self.conf.wait_timeout),
                        'the second build never fetched a compute node')
                    other.release()
                    second_view = self.finish_build(second_outcome)
                else:
                    second_view = self.build(second, scopes[1])
                hold.release()
                first_view = self.finish_build(first_outcome)
            self.assertModel(first, first_view, scopes[0],
                             context='the first build; ' + case)
            self.assertModel(second, second_view, scopes[1],
                             context='the second build; ' + case)


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
        cause one build, not one each.""", feature=FEATURE,
                     covers=(MB + 'sharing.first_access_once',))
    def test_concurrent_first_access_builds_once(self):
        sim, per_build, _ = self.first_access()
        self.assertEqual(per_build, len(sim.calls),
                         'one build makes %d Nova calls; observed %d '
                         'readers reaching at once make %d; the contract '
                         'demands one build' % (
                             per_build, READERS, len(sim.calls)))

    @catalogue.check('c8b8d20f-d7a2-4126-b2c2-796625eb4ce2', MUST, """
        Every reader reaching at once for a shared model not built yet MUST
        get the complete model.""", feature=FEATURE,
                     covers=(MB + 'sharing.first_readers_complete',))
    def test_concurrent_first_readers_get_complete_model(self):
        sim, _, models = self.first_access()
        for model in models:
            with self.bounded('view(model)'):
                self.assertModel(sim, self.builder.view(model))

    @catalogue.check('7f3ad07b-aaa0-4295-bb14-df166e6ad6c4', MUST, """
        Under the raise policy, a first access to a shared model whose
        build fails MUST raise the build's error and keep no model: a later
        access MUST build again and get the complete model.""",
                     feature=FEATURE,
                     covers=(MB + 'sharing.failed_first_build',))
    def test_failed_first_access_keeps_no_model(self):
        if self.policy != 'raise':
            self.skipTest('implementation %r follows %s=%s'
                          % (self.implementation.name, base.POLICY,
                             self.policy))
        sim = self.simulated_nova(CLOUD)
        host = base.victim(sim)
        sim.inject(faults.Fault(faults.ERROR, 'get_instance_list', host=host,
                                times=1))
        with self.bounded('collector()'):
            collector = self.builder.collector(
                sim.nova, sim.placement, Scope(), self.conf.wait_timeout / 4)
        with self.bounded('the first access'):
            try:
                model = collector.get_latest_cluster_data_model()
            except AssertionError:
                raise
            except Exception as exc:
                model, error = None, exc
            else:
                error = None
        if model is not None:
            with self.bounded('view(model)'):
                view = self.builder.view(model)
            self.fail('get_instance_list(%s) failed the first build: '
                      'observed the first access return a model (marked '
                      '%s); the raise policy demands the build\'s error'
                      % (host, 'complete' if view.complete else
                         'incomplete'))
        with self.bounded('the second access'):
            try:
                model = collector.get_latest_cluster_data_model()
            except AssertionError:
                raise
            except Exception as exc:
                self.fail('the first access failed (%s: %s); observed the '
                          'second, with Nova answering, fail too (%s: %s); '
                          'the contract demands a new build, complete'
                          % (type(error).__name__, error,
                             type(exc).__name__, exc))
        with self.bounded('view(model)'):
            self.assertModel(sim, self.builder.view(model), context=(
                'the second access to a shared model whose first build '
                'failed'))
