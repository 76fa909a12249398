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

"""Audits sharing one model: consistent while it changes, built once, no
change lost to a build or a rebuild, a failed rebuild that leaves the model
in place, audits that neither wait for a rebuild nor outnumber the workers,
and audit errors that reach their submitter."""

import contextlib
import dataclasses
import threading
import time

from futurist import waiters

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance import datamodel
from watcher_conformance.fixtures import nova as nova_fixture
from watcher_conformance.nova import api
from watcher_conformance.nova import cloud
from watcher_conformance.nova import faults
from watcher_conformance.nova import oracle
from watcher_conformance import probes
from watcher_conformance.tests.threading_model import base

CLOUD = cloud.Topology(nodes=6, instances=(1, 4), deleted=0.0, seed=11)
#: A host of CLOUD other than the watched instance's, with servers.
OTHER_HOST = 'node-3'


class _AuditFailed(Exception):
    """Raised by an audit: its submitter must get this object."""


def _fail(error):
    def audit(model):
        raise error
    return audit


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
        change is applied and the shared model is rebuilt.""",
                     covers=('threading_model.audits.consistent_model',
                             'threading_model.audits.complete_model'))
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
        one build.""",
                     covers=('threading_model.audits.first_build_once',
                             'threading_model.audits.complete_model'))
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
        applied to the new model, not lost with the old one.""",
                     covers=('threading_model.audits.change_during_rebuild',))
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
        workers and no more: of twice as many audits, the others MUST wait
        and then all run.""",
                     covers=('threading_model.audits.parallel',
                             'threading_model.audits.worker_bound'))
    def test_audits_run_concurrently(self):
        self.latest()
        workers = self.conf.max_workers
        running = probes.InFlight()
        go_on = probes.Gate(self.conf.wait_timeout)

        def audit(model):
            with running:
                go_on.wait()
            return 'ran'
        with self.bounded('submit_audit()'):
            futures = [self.piece.submit_audit(self.shared, audit)
                       for _ in range(2 * workers)]
        together = running.wait_running(workers, self.conf.wait_timeout)
        probes.settle(self.conf.quiescence_window)
        peak = running.peak
        go_on.open()
        with self.bounded('the audits', 2 * self.conf.wait_timeout):
            ran = [f.result(self.conf.wait_timeout) for f in futures]
        self.assertTrue(together, 'observed at most %d of %d audits run at '
                        'once; the contract demands as many as the executor '
                        'has workers (%d)' % (running.peak, workers, workers))
        self.assertLessEqual(peak, workers, 'observed %d audits run at once '
                             'with %d workers; the contract demands no more '
                             'than the workers' % (peak, workers))
        self.assertEqual(['ran'] * len(futures), ran, 'what the audits '
                         'returned')

    @catalogue.check('cc3e5a0e-4b8a-4c2f-9f0e-6a1d2b7c9e41', MUST, """
        The provider's reset() MUST return without waiting for an audit
        that is stuck.""",
                     covers=('threading_model.audits.reset_does_not_wait',))
    def test_reset_does_not_wait_for_a_stuck_audit(self):
        self.latest()
        running = probes.InFlight()
        stuck = probes.Gate(2 * self.conf.wait_timeout)
        self.addCleanup(stuck.open)

        def audit(model):
            with running:
                stuck.wait()
        with self.bounded('submit_audit()'):
            self.piece.submit_audit(self.shared, audit)
        self.assertTrue(running.wait_running(1, self.conf.wait_timeout),
                        'the audit did not start')
        with self.bounded('reset() with an audit stuck'):
            self.provider.reset()

    def private_nova(self):
        """A simulated Nova serving a cloud of its own (CLOUD, generated
        afresh), whose servers a check changes as Nova would before it
        notifies."""
        sim = api.Simulator(cloud.generate(CLOUD),
                            hold_timeout=2 * self.conf.wait_timeout)
        self.addCleanup(sim.release_all)
        return sim

    def shared_on(self, sim):
        """A shared model of *sim*'s cloud whose builds wait for Nova
        longer than the check holds Nova's calls."""
        with self.bounded('shared_model()'):
            return self.piece.shared_model(
                sim.nova, sim.placement, datamodel.Scope(),
                3 * self.conf.wait_timeout)

    def change_in_nova(self, sim, state):
        """The watched instance is now in *state* in *sim*'s Nova."""
        host = oracle.expected(sim.cloud).instances[self.instance]['host']
        sim.cloud.servers[host] = tuple(
            dataclasses.replace(s, vm_state=state, status=state.upper())
            if s.uuid == self.instance else s
            for s in sim.cloud.servers[host])
        return datamodel.InstanceStateChange(self.instance, state)

    def latest_of(self, shared):
        with self.bounded('get_latest_cluster_data_model()'):
            return self.view(shared.get_latest_cluster_data_model())

    def wait_answered(self, sim, name, host):
        """Wait until a call *name* about *host* has been answered; False
        after wait_timeout."""
        deadline = time.monotonic() + self.conf.wait_timeout
        while not any(c.name == name and c.host == host and c.end
                      for c in list(sim.calls)):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)  # polls the simulator's record of calls
        return True

    @catalogue.check('f7117814-1317-4e9b-9cb9-06e046682329', MUST, """
        A change notified before the shared model was ever built, or while
        the first build runs after it read the instance, MUST be in the
        shared model, and notify() MUST NOT fail for want of a model.""",
                     covers=('threading_model.audits.'
                             'change_before_first_build',
                             'threading_model.audits.'
                             'change_during_first_build'))
    def test_change_before_first_build_is_kept(self):
        # Before any build: Nova has the change when it notifies it.
        sim = self.private_nova()
        shared = self.shared_on(sim)
        change = self.change_in_nova(sim, 'paused')
        with self.bounded('notify() before the first build'):
            try:
                shared.notify(change)
            except Exception as exc:
                self.fail('notify() of a change before the shared model was '
                          'built raised %r; the contract demands it not '
                          'fail' % (exc,))
        self.assertEqual('paused', self.state_in(self.latest_of(shared)),
                         'the first model, built after a change notified '
                         'before any build, shows the instance in the state '
                         'observed (second); the contract demands the '
                         'change (first)')

        # During the first build, once it has read the instance's host: the
        # build holds the old record, Nova the new one.
        sim = self.private_nova()
        shared = self.shared_on(sim)
        host = oracle.expected(sim.cloud).instances[self.instance]['host']
        hold = sim.hold('get_instance_list', host=OTHER_HOST)
        building = self.run_helper(shared.get_latest_cluster_data_model,
                                   'get_latest_cluster_data_model()')
        with self.bounded('the first build'):
            self.assertTrue(self.wait_answered(sim, 'get_instance_list',
                                               host),
                            'the first build did not read the servers of %s '
                            'while those of %s were held' % (host,
                                                             OTHER_HOST))
            self.assertTrue(hold.wait_arrived(1, self.conf.wait_timeout),
                            'the first build did not ask for the servers of '
                            '%s' % OTHER_HOST)
        change = self.change_in_nova(sim, 'paused')
        changing = self.run_helper(lambda: shared.notify(change), 'notify()')
        hold.release()
        self.finish(building, 'the first build')
        self.finish(changing, 'notify() during the first build')
        self.assertEqual('paused', self.state_in(self.latest_of(shared)),
                         'after a change notified while the first build ran '
                         '(the build had read the old state), the shared '
                         'model shows the state observed (second); the '
                         'contract demands the change (first)')

    @catalogue.check('57817c95-5296-4608-91b0-ddfb3f4fc205', MUST, """
        A rebuild that fails on Nova MUST leave the previous model, with
        the changes notified to it, to the audits that follow; the next
        rebuild that succeeds MUST replace it with what Nova holds.""",
                     covers=('threading_model.audits.'
                             'failed_rebuild_keeps_model',
                             'threading_model.audits.rebuild_after_failure',
                             'threading_model.audits.complete_model'))
    def test_failed_rebuild_keeps_the_model(self):
        sim = self.private_nova()
        shared = self.shared_on(sim)
        self.latest_of(shared)
        change = self.change_in_nova(sim, 'paused')
        with self.bounded('notify()'):
            shared.notify(change)
        fault = faults.Fault(faults.ERROR, call='get_instance_list',
                             host=OTHER_HOST)
        sim.inject(fault)
        with self.bounded('synchronize() failing on Nova'):
            try:
                shared.synchronize()
                how = 'returned'
            except Exception as exc:
                how = 'raised %s' % type(exc).__name__
        with self.bounded('an audit after the failed rebuild'):
            future = self.piece.submit_audit(shared, self.view)
            error = future.exception(self.conf.wait_timeout)
        self.assertIsNone(error, 'an audit after a rebuild that failed '
                          '(synchronize() %s) raised %r; the contract '
                          'demands it get the previous model' % (how, error))
        view = future.result()
        self.assertEqual([], oracle.differences(
            oracle.expected(sim.cloud), view) + (
                [] if view.complete else ['complete=False']),
            'after a rebuild that failed on Nova (synchronize() %s), an '
            'audit got a model that differs from the previous one; the '
            'contract demands the previous model, with its changes' % how)

        fault.times = 0  # Nova recovers, and changes without notifying
        self.change_in_nova(sim, 'stopped')
        with self.bounded('synchronize() after Nova recovered'):
            shared.synchronize()
        view = self.latest_of(shared)
        self.assertEqual([], oracle.differences(
            oracle.expected(sim.cloud), view),
            'after a failed rebuild, a rebuild that succeeded left a model '
            'that differs from what Nova holds; the contract demands it '
            'replace the model')

    @catalogue.check('79ec54b7-78a0-4e6e-8c57-5da608e8e4d0', MUST, """
        Audits submitted while a rebuild waits on Nova MUST NOT wait for
        it: they MUST run at once, each on the complete current model.""",
                     covers=('threading_model.audits.no_wait_for_rebuild',
                             'threading_model.audits.complete_model'))
    def test_audits_during_rebuild_do_not_wait(self):
        shared = self.shared_on(self.sim)
        before = self.latest_of(shared)
        hold = self.sim.hold()
        rebuilding = self.run_helper(shared.synchronize, 'synchronize()')
        with self.bounded('the rebuild'):
            self.assertTrue(hold.wait_arrived(1, self.conf.wait_timeout),
                            'synchronize() made no Nova call')
        with self.bounded('audits during the rebuild',
                          2 * self.conf.wait_timeout):
            futures = [self.piece.submit_audit(shared, self.view)
                       for _ in range(self.conf.max_workers)]
            _, waiting = waiters.wait_for_all(futures,
                                              self.conf.wait_timeout)
        hold.release()
        self.assertEqual(0, len(waiting), '%d of %d audits submitted while '
                         'a rebuild was held on Nova did not finish within '
                         '%.1f s; the contract demands they run at once on '
                         'the current model' % (len(waiting), len(futures),
                                                self.conf.wait_timeout))
        with self.bounded('the audits'):
            views = [f.result(self.conf.wait_timeout) for f in futures]
        with contextlib.suppress(Exception):
            # Whether a rebuild held that long succeeds is not the point.
            self.finish(rebuilding, 'synchronize()')
        for view in views:
            self.assertEqual(before, view, 'an audit during a rebuild got '
                             'a model other than the complete current one')

    @catalogue.check('c161738e-8181-45b5-a68f-93c29e086c6d', MUST, """
        Audits queued behind busy workers MUST each get the model as it is
        when the audit starts, with the changes notified while it waited,
        and keep that model to the end.""",
                     covers=('threading_model.audits.latest_model_at_start',
                             'threading_model.audits.consistent_model',
                             'threading_model.audits.worker_bound'))
    def test_queued_audits_take_the_latest_model(self):
        self.latest()
        workers = self.conf.max_workers
        gates = [probes.Gate(self.conf.wait_timeout) for _ in range(2)]
        started = probes.Recorder()
        mutex = threading.Lock()

        def audit(model):
            first = self.piece.view(model)
            with mutex:
                batch = len(started.items) // workers
                started.add(batch)
            gates[min(batch, 1)].wait()
            return batch, first, self.piece.view(model)
        with self.bounded('submit_audit()'):
            futures = [self.piece.submit_audit(self.shared, audit)
                       for _ in range(2 * workers)]
        with self.bounded('the first audits'):
            self.assertTrue(started.wait_for_length(workers,
                                                    self.conf.wait_timeout),
                            'fewer audits than workers started')
            probes.settle(self.conf.quiescence_window)
        self.assertEqual(workers, len(started.items), 'observed %d audits '
                         'start with %d workers; the contract demands no '
                         'more than the workers' % (len(started.items),
                                                    workers))
        queued = datamodel.InstanceStateChange(self.instance, 'paused')
        with self.bounded('notify()'):
            self.shared.notify(queued)
        gates[0].open()
        with self.bounded('the queued audits'):
            self.assertTrue(started.wait_for_length(2 * workers,
                                                    self.conf.wait_timeout),
                            'the queued audits did not start')
        with self.bounded('notify()'):
            self.shared.notify(datamodel.InstanceStateChange(
                self.instance, 'stopped'))
        gates[1].open()
        with self.bounded('the audits', 2 * self.conf.wait_timeout):
            results = [f.result(self.conf.wait_timeout) for f in futures]
        for batch, first, second in results:
            self.assertEqual(first, second, 'the model changed under an '
                             'audit; the contract demands one model from '
                             'start to end')
            want = 'paused' if batch else 'active'
            self.assertEqual(want, self.state_in(first), 'an audit %s shows '
                             'the instance in the state observed (second); '
                             'the contract demands the model as it is when '
                             'the audit starts (first)' % (
                                 'queued while the change was notified'
                                 if batch else 'running before the change'))

    @catalogue.check('ec8f3b1e-e602-4f6d-bc48-04409776319c', MUST, """
        An exception raised by an audit MUST reach its submitter through
        the audit's future, unchanged, and the executor MUST still run as
        many audits at once as it has workers afterwards.""",
                     covers=('threading_model.audits.error_reaches_submitter',
                             'threading_model.audits.error_keeps_executor',
                             'threading_model.audits.complete_model'))
    def test_failing_audit_reaches_its_submitter(self):
        self.latest()
        workers = self.conf.max_workers
        errors = [_AuditFailed('audit %d failed on purpose' % n)
                  for n in range(workers)]
        with self.bounded('submit_audit()'):
            futures = [self.piece.submit_audit(self.shared, _fail(e))
                       for e in errors]
        with self.bounded('the failing audits'):
            got = [f.exception(self.conf.wait_timeout) for f in futures]
        for error, observed in zip(errors, got):
            self.assertIs(error, observed, 'an audit raised %r and its '
                          'future gave %r; the contract demands the very '
                          'exception' % (error, observed))
        running = probes.InFlight()
        go_on = probes.Gate(self.conf.wait_timeout)

        def audit(model):
            with running:
                go_on.wait()
            return self.piece.view(model)
        with self.bounded('submit_audit()'):
            futures = [self.piece.submit_audit(self.shared, audit)
                       for _ in range(workers)]
        together = running.wait_running(workers, self.conf.wait_timeout)
        go_on.open()
        with self.bounded('the audits after the failures'):
            views = [f.result(self.conf.wait_timeout) for f in futures]
        self.assertTrue(together, 'after %d audits raised, observed at most '
                        '%d of %d audits run at once; the contract demands '
                        'as many as the workers' % (workers, running.peak,
                                                    workers))
        for view in views:
            self.assertEqual([], oracle.differences(
                oracle.expected(self.sim.cloud), view),
                'an audit after audits raised got an incomplete model')
