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
    its execute (or, with ``parameters['blocks_in'] == 'pre_condition'``,
    its pre_condition) waits until the journal's gate ``parameters['gate']``
    opens or the action is aborted (bounded: then it fails). Aborted in
    execute, it returns False; aborted in pre_condition, it returns.
``raise_in_revert``
    succeeds; its revert raises.
``unmakeable``
    ``make_action`` raises for it.

Any action also takes these parameters:

``returns``
    ``{'pre_condition': value, 'post_condition': value}``: what those
    return (default None); a condition fails only by raising.
``revert_gate``
    its revert waits until that gate opens (bounded: then it raises).
``abort``
    ``'refuse'``: abort() returns False and the action goes on;
    ``'raise'``: abort() raises and the action goes on.

Every call is journaled, so a check sees what ran, in which order, and how
many at once. A journal given an ``observe`` callable also records, at the
start of each method in its ``observe_on``, what ``observe()`` returned (a
check reads the engine's store there: what a reader sees while the call
runs).
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
    seen: object = None  # for 'seen': what the journal's observe() gave


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
    :param observe: None, or a callable whose result is recorded (edge
        ``'seen'``) when a method of *observe_on* starts.
    :param observe_on: the methods (``'pre_condition'``, ``'execute'``,
        ``'post_condition'``, ``'revert'``, ``'abort'``) to observe at.
    """

    def __init__(self, gates, executing=None, observe=None, observe_on=()):
        self.gates = gates
        self.events = []
        self.executing = executing or probes.InFlight()
        self.observe = observe
        self.observe_on = frozenset(observe_on)
        self._seq = itertools.count()
        self._cond = threading.Condition()

    def record(self, uuid, method, edge, outcome=None, seen=None):
        with self._cond:
            self.events.append(Event(next(self._seq), uuid, method, edge,
                                     time.monotonic(), outcome, seen))
            self._cond.notify_all()

    def look(self, uuid, method):
        """Record what ``observe()`` gives, if *method* is observed."""
        if self.observe is None or method not in self.observe_on:
            return
        try:
            seen = self.observe()
        except Exception as exc:  # the store could not be read: say so
            seen = {'error': '%s: %s' % (type(exc).__name__, exc)}
        self.record(uuid, method, 'seen', seen=seen)

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

    def seen(self, method=None):
        """``(uuid, method, what was seen)`` of every observation, in
        order."""
        return [(e.uuid, e.method, e.seen) for e in list(self.events)
                if e.edge == 'seen' and method in (None, e.method)]


class TestAction:
    """What one action does, journaled."""

    def __init__(self, action, journal):
        self.action = action
        self.journal = journal
        self.parameters = action.parameters
        self.aborted = threading.Event()

    def _call(self, method, body):
        self.journal.record(self.action.uuid, method, 'start')
        self.journal.look(self.action.uuid, method)
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

    def _blocks_in(self, phase):
        return (self.action.action_type == 'block'
                and self.parameters.get('blocks_in', 'execute') == phase)

    def _phase(self, phase):
        def body():
            if self._blocks_in(phase):
                self._wait(self.parameters['gate'], abortable=True)
            if self._fails_in(phase):
                raise ActionFailed('%s fails in %s on purpose'
                                   % (self.action.uuid, phase))
            return self.parameters.get('returns', {}).get(phase)
        return self._call(phase, body)

    def _wait(self, name, abortable):
        """Wait at gate *name* (or, if *abortable*, until aborted): True
        once open, False once aborted; raises after the gate's bound."""
        gate = self.journal.gates[name]
        deadline = time.monotonic() + gate.timeout
        while not gate.poll(0.005):
            if abortable and self.aborted.is_set():
                return False
            if time.monotonic() > deadline:
                raise ActionFailed('%s: gate %s not opened in time'
                                   % (self.action.uuid, name))
        return True

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
        elif self._blocks_in('execute'):
            # Wait for the gate or an abort, whichever comes first.
            return self._wait(self.parameters['gate'], abortable=True)
        elif self._fails_in('execute'):
            if self.parameters.get('how') == 'false':
                return False
            raise ActionFailed('%s fails in execute on purpose'
                               % self.action.uuid)
        return True

    def revert(self):
        def body():
            if 'revert_gate' in self.parameters:
                self._wait(self.parameters['revert_gate'], abortable=False)
            if self.action.action_type == 'raise_in_revert':
                raise ActionFailed('%s fails to revert on purpose'
                                   % self.action.uuid)
        return self._call('revert', body)

    def abort(self):
        def body():
            how = self.parameters.get('abort')
            if how == 'raise':
                raise ActionFailed('%s fails to abort on purpose'
                                   % self.action.uuid)
            if how == 'refuse':
                return False
            self.aborted.set()
            return True
        return self._call('abort', body)


class Actions:
    """``make_action`` for a plan: the test action of each Action; for an
    action of type ``unmakeable`` it raises (journaled as a
    ``make_action`` that raised)."""

    def __init__(self, journal):
        self.journal = journal

    def __call__(self, action):
        if action.action_type == 'unmakeable':
            self.journal.record(action.uuid, 'make_action', 'end', 'raised')
            raise ActionFailed('%s cannot be made, on purpose' % action.uuid)
        return TestAction(action, self.journal)
