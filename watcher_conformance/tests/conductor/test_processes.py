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

"""Several conductor processes sharing a coordination backend."""

import time

import fixtures

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.fixtures import redis
from watcher_conformance.tests.conductor import base

PER_PROCESS = 6


class ProcessTest(base.ConductorTestCase):

    def shared_backend(self):
        if self.conf.coordination_url.startswith('redis'):
            return self.conf.coordination_url
        if not redis.find_binary():
            self.skipTest('no coordination_url is configured and '
                          'redis-server is not installed (Debian: apt-get '
                          'install redis-server)')
        return self.useFixture(redis.RedisServer()).url

    def run_two(self, urls, hold):
        """Two conductor processes, one per backend URL, run operations on
        the same two resources; the first of each blocks on one resource
        until both first operations run or, once both processes submitted
        everything, *hold* seconds passed (where one of them cannot start:
        the other process then has its whole plan queued behind a resource
        held elsewhere). The journal."""
        processes = []
        for n, url in enumerate(urls):
            plan = [['shared-0', 'block', {'tag': 'p%d-first' % n,
                                           'gate': 'both'}]]
            plan += [['shared-%d' % (i % 2), 'record',
                      {'tag': 'p%d-%d' % (n, i), 'seconds': 0.005}]
                     for i in range(PER_PROCESS)]
            processes.append(self.start_worker(
                '%s-%d' % (self.member, n), plan, url))
        self.journal.open_gate('start')
        members = ['%s-%d' % (self.member, n) for n in range(len(urls))]
        self.wait_until(lambda: (self.journal.running() and all(
            self.submitted(m) for m in members))
            or any(p.poll() is not None for p in processes),
            'both processes submitting, one operation starting',
            self.process_bound)
        deadline = time.monotonic() + hold
        while (len([t for t in self.journal.running()
                    if t.endswith('-first')]) < 2
               and time.monotonic() < deadline):
            time.sleep(0.005)
        self.journal.open_gate('both')
        with self.bounded('the conductor processes',
                          self.conf.test_timeout / 2):
            errors = [p.communicate()[1].strip() for p in processes]
        self.assertEqual([0, 0], [p.returncode for p in processes], errors)
        return self.journal

    @catalogue.check(
        'b69105af-0308-4c1e-b181-704e43eeb5c6', MUST, """
        Two conductor processes sharing a coordination backend MUST never
        run operations on one resource at the same time, and each MUST
        still run its own operations on a resource in the order it was
        given them.""",
        covers=('conductor.processes.exclusive',
                'conductor.processes.own_order'))
    def test_processes_never_overlap_on_a_resource(self):
        url = self.shared_backend()
        # The negative control: each process with a backend of its own.
        own = ['file://' + self.useFixture(fixtures.TempDir()).path
               for _ in range(2)]
        control = self.run_two(own, 5 * self.conf.quiescence_window)
        if not control.overlaps():
            raise AssertionError(
                'inconclusive: processes without a shared backend did not '
                'overlap, so the check proves nothing here: %s'
                % [(e['tag'], e['edge']) for e in control.events()][:6])
        self.journal = type(self.journal)(
            self.useFixture(fixtures.TempDir()).path,
            self.journal.gate_timeout)
        shared = self.run_two([url, url], self.conf.quiescence_window)
        self.assertEqual([], [
            'resource %s: observed %s starting while %s ran there; the '
            'contract demands that conductors sharing a backend never '
            'overlap on a resource' % found for found in shared.overlaps()])
        # The order across processes is not promised; each one's own is.
        problems = []
        for n in range(2):
            for r in range(2):
                resource = 'shared-%d' % r
                demanded = (['p%d-first' % n] if r == 0 else []) + [
                    'p%d-%d' % (n, i) for i in range(PER_PROCESS)
                    if i % 2 == r]
                seen = [t for t in shared.tags('start', resource)
                        if t.startswith('p%d-' % n)]
                if seen != demanded:
                    problems.append(
                        'process %d, resource %s: observed its operations '
                        'starting in the order [%s]; the contract demands '
                        'the order it submitted them [%s]'
                        % (n, resource, ', '.join(seen), ', '.join(demanded)))
        self.assertEqual([], problems)
