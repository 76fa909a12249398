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

"""The workflow engine: a ready set driven by in-degree counts.

``execute`` checks the plan, stores it, and then drives it from the
caller's thread. The driver keeps, for each action, the number of parents
still to finish; an action whose count reaches zero is decided (run, or
SKIPPED under the ANY rule) and a run is queued on the engine's
:class:`crew.Crew`. Workers post each outcome to the run's mailbox (a
completion queue); the driver takes them one at a time, so the counts need
no lock. The forward pass ends when nothing is in flight: what never ran
is CANCELLED.

Under the revert policy a failure halts the forward pass (see
:mod:`.run`) and a backward pass follows, driven the same way over the
reversed graph of the SUCCEEDED actions: an action is reverted once every
completed child of it has been, and independent reverts run in parallel.
"""

import collections
import functools
import threading

from tests.independent.engine import crew
from tests.independent.engine import graph
from tests.independent.engine import run as run_
from tests.independent.engine import store
from watcher_conformance import workflow


class _Driver:
    """Drives one :class:`run.PlanRun` on a crew."""

    def __init__(self, run, crew):
        self.run = run
        self.crew = crew
        self.inflight = 0
        self.errors = []

    def drive(self):
        """Run the plan to its end; its final state."""
        self._forward()
        self.run.end_forward()
        never = [u for u, s in self.run.state.items()
                 if s == workflow.PENDING]
        self._mark(never, workflow.CANCELLED)
        if self.run.halted and not self.run.cancelled:
            self._backward()
        if self.errors:
            raise self.errors[0]
        return self.run.outcome()

    def _mark(self, uuids, state):
        for uuid in uuids:
            self.run.state[uuid] = state
        self.run.store.set_actions(self.run.plan.uuid, uuids, state)

    def _queue(self, job, uuid):
        if self.crew.submit(functools.partial(job, self.run, uuid)):
            self.inflight += 1

    def _pump(self, handle):
        """Take outcomes from the mailbox until nothing is in flight."""
        while self.inflight:
            kind, uuid, detail = self.run.mailbox.get()
            if kind == 'cancel':
                self.run.abort_running()
                continue
            self.inflight -= 1
            if kind == 'error':
                self.errors.append(detail)
            elif kind != 'unstarted':
                handle(uuid)

    # -- forward: parents before children -----------------------------------

    def _forward(self):
        self.waiting = self.run.graph.in_degrees()
        for uuid in self.run.graph.roots():
            self._start(uuid)
        self._pump(self._release)

    def _start(self, uuid):
        if not (self.run.halted or self.run.cancelled):
            self._queue(run_.perform, uuid)

    def _release(self, uuid):
        """*uuid* ended: decide each child whose parents have all ended.
        Skipping cascades, with a stack rather than recursion."""
        ended = [uuid]
        while ended:
            for child in self.run.graph.children[ended.pop()]:
                self.waiting[child] -= 1
                if self.waiting[child]:
                    continue
                if self.run.verdict(child) == workflow.SKIPPED:
                    self._mark([child], workflow.SKIPPED)
                    ended.append(child)
                else:
                    self._start(child)

    # -- backward: children before parents ----------------------------------

    def _backward(self):
        done = {u for u, s in self.run.state.items()
                if s == workflow.SUCCEEDED}
        parents = self.run.graph.parents
        self.waiting = collections.Counter(
            p for u in done for p in parents[u] if p in done)
        for uuid in sorted(done):
            if not self.waiting[uuid]:
                self._queue(run_.undo, uuid)
        self._pump(functools.partial(self._release_parents, done))

    def _release_parents(self, done, uuid):
        for parent in self.run.graph.parents[uuid]:
            if parent in done:
                self.waiting[parent] -= 1
                if not self.waiting[parent]:
                    self._queue(run_.undo, parent)


class WorkflowEngine:
    """Runs plans on *max_workers* workers, states in *database_url*.

    :param policy: ``'revert'`` or ``'continue'``, what a failed action
        does to the rest of a plan that has no execution rule.
    :param mode: ``'threading'`` or ``'eventlet'``: the kind of workers.
    """

    def __init__(self, database_url, max_workers, mode, policy):
        self.policy = policy
        self._store = store.StateStore(database_url)
        self._crew = crew.Crew(max_workers, mode)
        self._runs = {}
        self._lock = threading.Lock()
        self._closed = False

    def execute(self, plan, make_action):
        """Run *plan* to its end and return its final state.

        :raises graph.InvalidPlan: before anything runs or is stored.
        """
        shape = graph.Graph(plan)
        run = run_.PlanRun(plan, shape, make_action, self._store,
                           self.policy)
        with self._lock:
            if self._closed:
                raise RuntimeError('the workflow engine is closed')
            if plan.uuid in self._runs:
                raise RuntimeError('plan %s is already running' % plan.uuid)
            self._runs[plan.uuid] = run
        try:
            self._store.begin_plan(plan, workflow.ONGOING, workflow.PENDING)
            final = _Driver(run, self._crew).drive()
            self._store.set_plan(plan.uuid, final)
            return final
        finally:
            with self._lock:
                self._runs.pop(plan.uuid, None)

    def states(self, plan_uuid):
        return self._store.states(plan_uuid)

    def plan_state(self, plan_uuid):
        return self._store.plan_state(plan_uuid)

    def cancel(self, plan_uuid):
        """Ask a running plan to stop; False if it is not running."""
        with self._lock:
            run = self._runs.get(plan_uuid)
        return run.request_cancel() if run else False

    def close(self):
        """Cancel every plan, dismiss the crew, release the database;
        waits for nothing."""
        with self._lock:
            self._closed = True
            runs = list(self._runs.values())
        for run in runs:
            run.request_cancel()
        self._crew.stop()
        self._store.close()
