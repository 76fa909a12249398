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

"""Audits sharing one model: consistent while it changes, built once, and
no change lost to a rebuild."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import datamodel
from watcher_conformance.fixtures import nova as nova_fixture
from watcher_conformance.nova import cloud
from watcher_conformance.nova import oracle
from watcher_conformance import probes
from watcher_conformance.tests.threading_model import base

CLOUD = cloud.Topology(nodes=6, instances=(1, 4), deleted=0.0, seed=11)


class AuditTest(base.ThreadingModelTestCase):

    piece_name = 'audit_executor'

    def setUp(self):
        super().setUp()
        self.sim = self.useFixture(nova_fixture.SimulatedNova(
            CLOUD, hold_timeout=2 * self.conf.wait_timeout)).simulator
        with self.bounded('shared_model()'):
            self.shared = self.piece.shared_model(
                self.sim.nova, self.sim.placement, datamodel.Scope(),
                self.conf.wait_timeout / 4)
        self.instance = sorted(oracle.expected(self.sim.cloud).instances)[0]
        self.change = datamodel.InstanceStateChange(self.instance, 'paused')

    def view(self, model):
        with self.bounded('view(model)'):
            return self.piece.view(model)

    def state_in(self, view):
        return next(i['state'] for i in view.instances
                    if i['uuid'] == self.instance)

    def latest(self):
        with self.bounded('get_latest_cluster_data_model()'):
            return self.view(self.shared.get_latest_cluster_data_model())

    def calls_per_build(self):
        """How many Nova calls one build of CLOUD makes."""
        sim = self.useFixture(nova_fixture.SimulatedNova(CLOUD)).simulator
        with self.bounded('a first build'):
            self.piece.shared_model(
                sim.nova, sim.placement, datamodel.Scope(),
                self.conf.wait_timeout / 4).get_latest_cluster_data_model()
        return len(sim.calls)

    def run_helper(self, fn, what):
        """Run *fn* in another thread as far as it gets (blocked or done);
        its outcome."""
        thread, outcome = self.start_thread(fn)
        self.wait_blocked_or_done(thread)
        return outcome

    @catalogue.check('07d48b06-185a-46e2-a03f-87cff54d24af', MUST, """
        An audit MUST see the same complete model from start to end while a
        change is applied and the shared model is rebuilt.""")
    def test_audit_sees_a_consistent_model(self):
        self.latest()
        read_once = probes.Gate(self.conf.wait_timeout)
        go_on = probes.Gate(self.conf.wait_timeout)

        def audit(model):
            first = self.piece.view(model)
            read_once.open()
            go_on.wait()
            return first, self.piece.view(model)
        with self.bounded('submit_audit()'):
            future = self.piece.submit_audit(self.shared, audit)
        with self.bounded('the audit reading'):
            read_once.wait()
        changing = self.run_helper(lambda: self.shared.notify(self.change),
                                   'notify()')
        rebuilding = self.run_helper(self.shared.synchronize, 'synchronize()')
        go_on.open()
        with self.bounded('the audit'):
            first, second = future.result(self.conf.wait_timeout)
        self.finish(changing, 'notify()')
        self.finish(rebuilding, 'synchronize()')
        self.assertEqual([], oracle.differences(
            oracle.expected(self.sim.cloud), first), 'incomplete model')
        self.assertEqual(first, second, 'the model changed under the audit')

    @catalogue.check('aac41987-7b4c-49e2-971a-35b7e1bbe456', MUST, """
        Audits reaching at once for a shared model not built yet MUST cause
        one build.""")
    def test_concurrent_first_audits_build_once(self):
        hold = self.sim.hold()
        with self.bounded('submit_audit()'):
            futures = [self.piece.submit_audit(self.shared, self.view)
                       for _ in range(self.conf.max_workers)]
        with self.bounded('the first build'):
            self.assertTrue(hold.wait_arrived(1, self.conf.wait_timeout))
            probes.settle(self.conf.quiescence_window)
        hold.release()
        with self.bounded('the audits'):
            views = [f.result(self.conf.wait_timeout) for f in futures]
        self.assertEqual(self.calls_per_build(), len(self.sim.calls),
                         '%d audits made more Nova calls than one build'
                         % len(futures))
        for view in views:
            self.assertEqual([], oracle.differences(
                oracle.expected(self.sim.cloud), view))

    @catalogue.check('652d7892-1fbe-46ab-b910-4f7560f28686', MUST, """
        A change notified while the shared model is being rebuilt MUST be
        applied to the new model, not lost with the old one.""")
    def test_change_during_rebuild_is_kept(self):
        self.latest()
        hold = self.sim.hold()
        rebuilding = self.run_helper(self.shared.synchronize, 'synchronize()')
        with self.bounded('the rebuild'):
            self.assertTrue(hold.wait_arrived(1, self.conf.wait_timeout),
                            'synchronize() made no Nova call')
        changing = self.run_helper(lambda: self.shared.notify(self.change),
                                   'notify()')
        hold.release()
        self.finish(rebuilding, 'synchronize()')
        self.finish(changing, 'notify()')
        self.assertEqual('paused', self.state_in(self.latest()),
                         'the change was lost with the replaced model')

    @catalogue.check('dc4f2f15-0c10-48ea-8727-d58d7c8e13f5', MUST, """
        Audits MUST run at the same time, as many as the executor has
        workers.""")
    def test_audits_run_concurrently(self):
        self.latest()
        running = probes.InFlight()
        go_on = probes.Gate(self.conf.wait_timeout)

        def audit(model):
            with running:
                go_on.wait()
        with self.bounded('submit_audit()'):
            futures = [self.piece.submit_audit(self.shared, audit)
                       for _ in range(self.conf.max_workers)]
        together = running.wait_running(self.conf.max_workers,
                                        self.conf.wait_timeout)
        go_on.open()
        with self.bounded('the audits'):
            for f in futures:
                f.result(self.conf.wait_timeout)
        self.assertTrue(together, 'at most %d of %d audits ran at once'
                        % (running.peak, self.conf.max_workers))
