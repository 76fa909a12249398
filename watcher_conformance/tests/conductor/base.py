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

"""What every conductor check builds on."""

import concurrent.futures
import json
import os
import threading
import time
import uuid

import fixtures

from watcher_conformance import base
from watcher_conformance.conductor import operations
from watcher_conformance import contract
from watcher_conformance.fixtures import database


class Submitter:
    """A thread of its own submitting a plan in order (see
    :meth:`ConductorTestCase.submit_in_thread`)."""

    def __init__(self):
        self.futures = {}     # tag -> future, as submits return
        self.ident = None     # the thread's ident, as the journal notes it
        self.current = None   # (resource, operation, tag) being submitted
        self.count = 0        # submits returned
        self.thread = self.outcome = None

    @property
    def done(self):
        return not self.thread.is_alive()


class ConductorTestCase(base.ConformanceTestCase):
    """The conductor in ``self.conductor``, serving the suite's operations
    journaled in ``self.journal`` (gates opened at cleanup)."""

    piece_name = 'conductor'

    def settings(self):
        self.database_url = self.useFixture(
            database.Database(self.conf.database_url)).url
        self.coordination_url = (self.conf.coordination_url or 'file://'
                                 + self.useFixture(fixtures.TempDir()).path)
        self.member = 'conformance-' + uuid.uuid4().hex[:8]
        self.conductor_settings = contract.Settings(
            mode=self.mode, max_workers=self.conf.max_workers,
            database_url=self.database_url,
            coordination_url=self.coordination_url, member=self.member)
        return self.conductor_settings

    def restart(self):
        """Another conductor, built as the piece was (same member name,
        database and coordination backend) and serving the suite's
        operations, as a restarted conductor would be; reset at
        cleanup."""
        provider = self.implementation.pieces[self.piece_name](
            self.conductor_settings)
        self.addCleanup(provider.reset)
        with self.bounded('building and serving a restarted conductor'):
            restarted = provider.get()
            restarted.serve(operations.operations(self.journal))
        return restarted

    def setUp(self):
        super().setUp()
        self.workers = self.conf.max_workers
        self.journal = operations.Journal(
            self.useFixture(fixtures.TempDir()).path,
            2 * self.conf.wait_timeout)
        self.conductor = self.piece
        with self.bounded('serve()'):
            self.conductor.serve(operations.operations(self.journal))

    def submit(self, resource, operation, tag, blocking=False, **params):
        with self.bounded('submit(%s, %s)' % (resource, operation)):
            return self.conductor.submit(resource, operation,
                                         dict(params, tag=tag),
                                         blocking=blocking)

    def results(self, futures):
        with self.bounded('the operations'):
            return [f.result(self.conf.wait_timeout) for f in futures]

    def outcomes(self, futures):
        """Wait (bounded by wait_timeout in all) for *futures* (tag ->
        future): tag -> ('value', v), ('error', exception) or ('pending',
        None) for a future still unresolved at the bound."""
        deadline = time.monotonic() + self.conf.wait_timeout
        found = {}
        with self.bounded('the operations', 2 * self.conf.wait_timeout):
            for tag, future in futures.items():
                try:
                    found[tag] = ('value', future.result(
                        max(0.0, deadline - time.monotonic())))
                except concurrent.futures.CancelledError as exc:
                    found[tag] = ('error', exc)
                except Exception as exc:
                    found[tag] = (('error', exc) if future.done()
                                  else ('pending', None))
        return found

    def assert_values(self, found, expected):
        """Each tag of *expected* got its value (conductor.submit.result)."""
        wrong = {tag: found.get(tag) for tag, value in expected.items()
                 if found.get(tag) != ('value', value)}
        self.assertEqual({}, wrong, 'futures that did not carry the value '
                         'their operation returned (observed (outcome, '
                         'value) per tag; the contract demands each '
                         'future carry its operation\'s own return value: '
                         '%s)' % {t: ('value', expected[t]) for t in wrong})

    def submit_in_thread(self, plan):
        """Submit *plan*, ``[(resource, operation, tag, params)]``, in
        order from a thread of its own, so that an operation the conductor
        runs in its caller can never block the check's own thread (whose
        job is to open the gates). :returns: the :class:`Submitter`."""
        submitter = Submitter()

        def run():
            submitter.ident = threading.get_ident()
            for resource, operation, tag, params in plan:
                submitter.current = (resource, operation, tag)
                submitter.futures[tag] = self.conductor.submit(
                    resource, operation, dict(params, tag=tag))
                submitter.count += 1
            submitter.current = None
        submitter.thread, submitter.outcome = self.start_thread(run)
        return submitter

    def wait_submitted(self, submitter, problem=lambda: None):
        """Wait until *submitter* is done, or *problem()* says what went
        wrong, or one submit has not returned within wait_timeout.
        :returns: None when it is done, else what keeps it (the problem,
        or the submit it is stuck in)."""
        count, deadline = -1, None
        while not submitter.done:
            found = problem()
            if found:
                return found
            if submitter.count != count:
                count = submitter.count
                deadline = time.monotonic() + self.conf.wait_timeout
            elif time.monotonic() > deadline:
                resource, operation, tag = submitter.current or ('?',) * 3
                return ('submit(%r, %r) of %s had not returned after %.1f s'
                        % (resource, operation, tag,
                           self.conf.wait_timeout))
            time.sleep(0.01)
        return None

    def join_submitter(self, submitter):
        """Once the gates are open: the submitter's end, each submit
        bounded by wait_timeout; its error raised."""
        stuck = self.wait_submitted(submitter)
        if stuck:
            self.fail('observed: %s with nothing left to wait for; the '
                      'contract demands that submit return' % stuck)
        if 'error' in submitter.outcome:
            raise submitter.outcome['error']

    def ran_in(self, ident, tags):
        """The tags of *tags* whose operation started in thread *ident*."""
        return [e['tag'] for e in self.journal.events()
                if e['edge'] == 'start' and e['tag'] in tags
                and e['thread'] == ident]

    def order_problems(self, demanded, complete=False):
        """What the journal shows against per-resource submission order.

        :param demanded: resource -> its tags in submission order.
        :param complete: every operation must have started by now.
        :returns: one line per resource out of order or overlapping.
        """
        started = {}
        for e in self.journal.events():
            if e['edge'] == 'start' and e['resource'] in demanded:
                started.setdefault(e['resource'], []).append(e['tag'])
        problems = []
        for resource, tags in demanded.items():
            seen = started.get(resource, [])
            if seen != (tags if complete else tags[:len(seen)]):
                problems.append(
                    'resource %s: observed its operations starting in the '
                    'order [%s]; the contract demands their submission '
                    'order [%s]' % (resource, ', '.join(seen),
                                    ', '.join(tags)))
        for resource, running, late in self.journal.overlaps():
            if resource in demanded:
                problems.append(
                    'resource %s: observed %s starting while %s still ran '
                    'there; the contract demands one operation at a time '
                    'on a resource' % (resource, late, running))
        return problems

    def poll(self, predicate, seconds=None):
        """Poll *predicate* until true or *seconds* (default wait_timeout)
        passed; whether it became true (the caller reports what it saw)."""
        deadline = time.monotonic() + (seconds or self.conf.wait_timeout)
        with self.bounded('polling', 2 * (seconds or self.conf.wait_timeout)):
            while not predicate():
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.002)
        return True

    def state_of(self, states=None):
        """tag -> state, from states() (or *states*)."""
        if states is None:
            states = self.states()
        return {s[3]: s[4] for s in states}

    def watch_reports(self, futures):
        """Add a done-callback to each future (tag -> future) that reads
        states() the moment the future resolves, in the thread resolving
        it: tag -> the state the database gave then (filled in as they
        resolve)."""
        seen = {}

        def reader(tag):
            def callback(future):
                try:
                    seen[tag] = self.state_of(self.conductor.states()).get(
                        tag, 'absent')
                except Exception as exc:
                    seen[tag] = 'states() raised %r' % exc
            return callback
        for tag, future in futures.items():
            future.add_done_callback(reader(tag))
        return seen

    def assert_stored_before_reported(self, seen, finals, futures):
        """*seen* (from :meth:`watch_reports`) says each final state, for
        each of *futures* (tag -> future) that resolved."""
        finals = {tag: state for tag, state in finals.items()
                  if futures[tag].done()}
        # A future wakes its waiters before it runs its callbacks.
        self.poll(lambda: set(finals) <= set(seen))
        early = {tag: seen.get(tag, 'no callback') for tag in finals
                 if seen.get(tag) != finals[tag]}
        self.assertEqual({}, early, 'states() read at the moment each '
                         'future resolved (observed per tag); the contract '
                         'demands the final state be stored before the '
                         'future resolves: %s' % {t: finals[t] for t in early})

    def wait_until(self, predicate, what, seconds=None):
        """Poll *predicate* (bounded by *seconds*, default wait_timeout):
        the states of other processes and of the database can only be
        polled."""
        with self.bounded(what, seconds):
            while not predicate():
                time.sleep(0.002)

    def states(self):
        with self.bounded('states()'):
            return self.conductor.states()

    def start_worker(self, member, plan, coordination_url, then='wait'):
        """A conductor process of its own (same mode, same implementation,
        same database and journal) that submits *plan* once the gate
        ``start`` opens."""
        return self.start_process(
            'watcher_conformance.tools.conductor_worker',
            '--database-url', self.database_url,
            '--coordination-url', coordination_url, '--member', member,
            '--journal-dir', self.journal.directory,
            '--plan', json.dumps(plan), '--then', then,
            '--max-workers', str(self.workers))

    @property
    def process_bound(self):
        """Seconds a process may take to start and get somewhere: Python
        starting is no event a correct implementation controls."""
        return self.conf.test_timeout / 2

    def submitted(self, member):
        return os.path.exists(os.path.join(self.journal.directory,
                                           'submitted-' + member))
