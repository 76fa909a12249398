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

"""The actions every implementation runs, and the journal of what they did.

``Actions(journal)`` is the ``make_action`` a check passes to
``execute``: it turns each :class:`~watcher_conformance.workflow.Action`
into an object with upstream Watcher's action methods, whose behaviour its
type says:

``nop``
    succeeds.
``fail``
    fails in ``parameters['phase']`` (``pre_condition``, ``execute`` or
    ``post_condition``), by raising, or for ``execute`` with
    ``parameters['how'] == 'false'`` by returning False.
``sleep``
    its execute takes ``parameters['seconds']`` (a green sleep under
    eventlet).
``block``
    its execute waits until the journal's gate ``parameters['gate']`` opens
    or the action is aborted (bounded: then it fails).
``raise_in_revert``
    succeeds; its revert raises.

Every call is journaled, so a check sees what ran, in which order, and how
many at once.
"""

import dataclasses
import itertools
import threading
import time

from watcher_conformance import probes


class ActionFailed(Exception):
    """A test action failing on purpose."""


@dataclasses.dataclass(frozen=True)
class Event:
    """One edge of one call: ``seq`` orders all events of a journal."""

    seq: int
    uuid: str
    method: str
    edge: str  # 'start' or 'end'
    at: float
    outcome: str = None  # for 'end': 'ok', 'false' or 'raised'


class Gates:
    """Named gates ``block`` actions wait at, shared by the plans of a test.

    :param timeout: seconds a ``block`` action waits at most.
    """

    def __init__(self, timeout):
        self.timeout = timeout
        self._lock = threading.Lock()
        self._gates = {}

    def __getitem__(self, name):
        with self._lock:
            return self._gates.setdefault(name, probes.Gate(self.timeout))

    def open_all(self):
        with self._lock:
            gates = list(self._gates.values())
        for gate in gates:
            gate.open()


class Journal:
    """Thread-safe record of every call the test actions of one plan get.

    :param gates: the :class:`Gates` its ``block`` actions wait at.
    :param executing: an :class:`~watcher_conformance.probes.InFlight`
        counting executes running at once (shared by the plans of a test,
        or the journal's own).
    """

    def __init__(self, gates, executing=None):
        self.gates = gates
        self.events = []
        self.executing = executing or probes.InFlight()
        self._seq = itertools.count()
        self._cond = threading.Condition()

    def record(self, uuid, method, edge, outcome=None):
        with self._cond:
            self.events.append(Event(next(self._seq), uuid, method, edge,
                                     time.monotonic(), outcome))
            self._cond.notify_all()

    # -- queries ----------------------------------------------------------

    def calls(self, method, uuid=None):
        """uuids whose *method* started, in start order."""
        return [e.uuid for e in list(self.events)
                if e.method == method and e.edge == 'start'
                and (uuid is None or e.uuid == uuid)]

    def executed(self):
        """uuid -> how many times its execute started."""
        counts = {}
        for uuid in self.calls('execute'):
            counts[uuid] = counts.get(uuid, 0) + 1
        return counts

    def first(self, uuid, method, edge):
        """The first such event, or None."""
        return next((e for e in list(self.events) if e.uuid == uuid
                     and e.method == method and e.edge == edge), None)

    def outcome(self, uuid, method):
        event = self.first(uuid, method, 'end')
        return event.outcome if event else None

    def wait_for(self, predicate, timeout):
        """Wait until ``predicate(self)``; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    def wait_started(self, uuid, method, timeout):
        return self.wait_for(lambda j: j.first(uuid, method, 'start'),
                             timeout)


class TestAction:
    """What one action does, journaled."""

    def __init__(self, action, journal):
        self.action = action
        self.journal = journal
        self.parameters = action.parameters
        self.aborted = threading.Event()

    def _call(self, method, body):
        self.journal.record(self.action.uuid, method, 'start')
        try:
            result = body()
        except BaseException:
            self.journal.record(self.action.uuid, method, 'end', 'raised')
            raise
        self.journal.record(self.action.uuid, method, 'end',
                            'false' if result is False else 'ok')
        return result

    def _fails_in(self, phase):
        return (self.action.action_type == 'fail'
                and self.parameters.get('phase', 'execute') == phase)

    def _phase(self, phase):
        def body():
            if self._fails_in(phase):
                raise ActionFailed('%s fails in %s on purpose'
                                   % (self.action.uuid, phase))
        return self._call(phase, body)

    def pre_condition(self):
        return self._phase('pre_condition')

    def post_condition(self):
        return self._phase('post_condition')

    def execute(self):
        def body():
            with self.journal.executing:
                return self.work()
        return self._call('execute', body)

    def work(self):
        kind = self.action.action_type
        if kind == 'sleep':
            time.sleep(self.parameters['seconds'])
        elif kind == 'block':
            gate = self.journal.gates[self.parameters['gate']]
            deadline = time.monotonic() + gate.timeout
            # Wait for the gate or an abort, whichever comes first.
            while not gate.poll(0.005):
                if self.aborted.is_set():
                    return False
                if time.monotonic() > deadline:
                    raise ActionFailed('%s: gate %s not opened in time'
                                       % (self.action.uuid,
                                          self.parameters['gate']))
        elif self._fails_in('execute'):
            if self.parameters.get('how') == 'false':
                return False
            raise ActionFailed('%s fails in execute on purpose'
                               % self.action.uuid)
        return True

    def revert(self):
        def body():
            if self.action.action_type == 'raise_in_revert':
                raise ActionFailed('%s fails to revert on purpose'
                                   % self.action.uuid)
        return self._call('revert', body)

    def abort(self):
        def body():
            self.aborted.set()
            return True
        return self._call('abort', body)


class Actions:
    """``make_action`` for a plan: the test action of each Action."""

    def __init__(self, journal):
        self.journal = journal

    def __call__(self, action):
        return TestAction(action, self.journal)
