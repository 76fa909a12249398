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

"""The base class of every conformance check."""

import os
import subprocess
import sys

import fixtures
import oslotest.base
import testtools
import testtools.content

from watcher_conformance import catalogue
from watcher_conformance import config
from watcher_conformance import contract
from watcher_conformance import environment
from watcher_conformance.fixtures import deadlock
from watcher_conformance.fixtures import implementation
from watcher_conformance import loader
from watcher_conformance import modes
from watcher_conformance import probes


#: Bytes kept of one attachment of a test: its head and its tail.
DETAIL_LIMIT = 64 * 1024


def _bounded(content):
    data = b''.join(content.iter_bytes())
    if len(data) <= DETAIL_LIMIT:
        return content
    half = DETAIL_LIMIT // 2
    note = ('\n[... %d bytes cut by watcher-conformance: an attachment '
            'keeps its first and last %d bytes ...]\n'
            % (len(data) - 2 * half, half)).encode()
    kept = [data[:half], note, data[-half:]]
    return testtools.content.Content(content.content_type, lambda: kept)


class ConformanceTestCase(testtools.testcase.WithAttributes,
                          oslotest.base.BaseTestCase):
    """Runs one check against a fresh piece of the implementation under test.

    Subclasses set :attr:`piece`. In ``setUp`` the test gets:

    * ``self.conf``: the ``[watcher_conformance]`` options;
    * ``self.check``: its :class:`~watcher_conformance.catalogue.Check`;
    * ``self.guard``: a :class:`~watcher_conformance.fixtures.deadlock.
      DeadlockGuard` bounding the whole test by ``test_timeout``;
    * ``self.implementation`` and ``self.piece``: built fresh by
      :class:`~watcher_conformance.fixtures.implementation.PieceFixture`.

    It skips, with the reason, when the implementation does not support the
    mode, provide the piece or claim the feature the check needs.
    """

    #: Name of the piece this area checks (a key of contract.PIECES).
    piece_name = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadlock.report_hangs(self)
        environment.report_faults(self)

    def setUp(self):
        super().setUp()
        self.conf = config.get()
        mode = modes.current()
        if self.conf.mode != mode.name:
            raise modes.ModeError(
                'configured mode %r but the process runs in %r: start the '
                'suite with watcher-conformance run --mode %s'
                % (self.conf.mode, mode.name, self.conf.mode))
        self.mode = mode.name
        self.check = catalogue.of(self)
        if self.check is None:
            raise catalogue.CatalogueError(
                '%s has no @check metadata' % self.id())
        self.guard = self.useFixture(
            deadlock.DeadlockGuard(self.conf.test_timeout))
        self.implementation = loader.load(self.conf.implementation)
        reason = implementation.reason_to_skip(
            self.implementation, self.piece_name, self.mode,
            self.check.feature)
        if reason:
            self.skipTest(reason)
        try:
            fixture = self.useFixture(implementation.PieceFixture(
                self.conf.implementation, self.piece_name, self.settings()))
        except fixtures.MultipleExceptions as exc:
            # Show the implementation's own error, not the fixture wrapping.
            raise exc.args[0][1]
        self.provider = fixture.provider
        self.piece = fixture.piece

    def useFixture(self, fixture):
        """testtools' useFixture; a fixture that failed for the
        environment's fault (a server that did not start) raises that
        fault itself, not the fixtures library's wrapping of it."""
        try:
            return super().useFixture(fixture)
        except fixtures.MultipleExceptions as exc:
            first = exc.args[0][1]
            if environment.is_fault(first):
                raise first from None
            raise

    def getDetails(self):
        """The test's attachments (captured output, logs, stacks), each cut
        to :data:`DETAIL_LIMIT` bytes: an implementation that floods its
        output must not flood the run's stream and reports. Cut in place:
        fixtures add their details to this very dict."""
        details = super().getDetails()
        for name, content in list(details.items()):
            details[name] = _bounded(content)
        return details

    def settings(self):
        """The :class:`~watcher_conformance.contract.Settings` the piece is
        built with; an area whose piece needs more extends it."""
        return contract.Settings(mode=self.mode,
                                 max_workers=self.conf.max_workers)

    def bounded(self, what, seconds=None):
        """Fail (not hang) if the ``with`` block takes longer than
        ``wait_timeout``; *what* names the call in the message."""
        return self.guard.limit(seconds or self.conf.wait_timeout, what)

    def start_thread(self, fn, *args):
        """Run ``fn(*args)`` in another thread (green under eventlet).

        :returns: the thread, and its outcome: a dict that gets ``value``
            or ``error`` (and holds ``thread``), for :meth:`finish`.
        """
        return probes.start_thread(fn, *args)

    def finish(self, outcome, what):
        """Wait (bounded) for a thread :meth:`start_thread` started; what
        it returned, or its exception raised. *what* names the call."""
        outcome['thread'].join(self.conf.wait_timeout)
        self.assertFalse(outcome['thread'].is_alive(),
                         '%s did not return within %.1f s'
                         % (what, self.conf.wait_timeout))
        if 'error' in outcome:
            raise outcome['error']
        return outcome['value']

    def wait_blocked_or_done(self, thread):
        """Let *thread* get as far as it can: blocked, or finished."""
        probes.wait_until_blocked(thread, self.conf.wait_timeout)

    def start_process(self, module, *args):
        """``python -m module args`` in the run's mode and implementation
        (through :mod:`watcher_conformance.boot`), its stderr piped; killed
        at cleanup if it is still running."""
        process = subprocess.Popen(
            [sys.executable, '-m', 'watcher_conformance.boot', '-m', module,
             '--implementation', self.conf.implementation] + list(args),
            env=dict(os.environ, **{modes.ENV_VAR: self.mode}),
            stderr=subprocess.PIPE, text=True)
        self.addCleanup(process.wait)
        self.addCleanup(process.kill)
        return process
