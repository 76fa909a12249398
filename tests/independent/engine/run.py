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

"""One plan in flight: what its driver and the crew's workers share.

The driver (the thread that called ``execute``) makes every scheduling
decision; workers only run the jobs it queues and post what happened to the
run's mailbox. The few facts a worker must see at once live here, under the
run's lock:

* ``halted``: an action failed under the revert policy; a worker that has
  not yet started an action leaves it alone;
* ``cancelled``: ``cancel()`` was asked; likewise, and running actions are
  aborted by the driver;
* which actions are running, and which of them are being aborted.

The failing worker sets ``halted`` itself, before it posts, so that no
action starts after the failure is known, even one already queued.
"""

import logging
import queue
import threading

from watcher_conformance import workflow

LOG = logging.getLogger(__name__)


class PlanRun:
    """The shared state of one plan's execution.

    :param plan: the plan; :param graph: its :class:`graph.Graph`;
    :param make_action: the plan's action factory; :param store: the
    :class:`store.StateStore`; :param policy: the engine's failure policy.
    """

    def __init__(self, plan, graph, make_action, store, policy):
        self.plan = plan
        self.graph = graph
        self.store = store
        self.rule = plan.execution_rule
        self.halts_on_failure = self.rule is None and policy == 'revert'
        self.workers = {uuid: make_action(action)
                        for uuid, action in graph.actions.items()}
        self.state = dict.fromkeys(graph.actions, workflow.PENDING)
        self.mailbox = queue.Queue()
        self.halted = False
        self.cancelled = False
        self.forward = True
        self._lock = threading.Lock()
        self._running = set()
        self._aborting = set()

    # -- what workers ask ---------------------------------------------------

    def claim(self, uuid):
        """May *uuid* start? If so it counts as running from now on."""
        with self._lock:
            if self.halted or self.cancelled:
                return False
            self._running.add(uuid)
            return True

    def settle(self, uuid, state):
        """Record how *uuid* ended; an abort turns a failure into
        CANCELLED, and a failure under the revert policy halts the run."""
        with self._lock:
            self._running.discard(uuid)
            if uuid in self._aborting and state != workflow.SUCCEEDED:
                state = workflow.CANCELLED
            if state == workflow.FAILED and self.halts_on_failure:
                self.halted = True
            self.state[uuid] = state
        return state

    def post(self, *message):
        self.mailbox.put(message)

    # -- what the driver and cancel() ask -------------------------------------

    def request_cancel(self):
        """Stop the forward pass; False if it is over or already asked."""
        with self._lock:
            if not self.forward or self.cancelled:
                return False
            self.cancelled = True
        self.post('cancel', None, None)
        return True

    def end_forward(self):
        with self._lock:
            self.forward = False

    def abort_running(self):
        """Abort every running action (in the driver's thread)."""
        with self._lock:
            targets = sorted(self._running - self._aborting)
            self._aborting.update(targets)
        for uuid in targets:
            try:
                aborted = self.workers[uuid].abort()
            except Exception:
                LOG.exception('aborting action %s failed', uuid)
                aborted = False
            if aborted is False:
                with self._lock:
                    self._aborting.discard(uuid)

    def verdict(self, uuid):
        """Run or skip *uuid*, whose parents have all ended."""
        if self.rule == workflow.ANY and any(
                self.state[p] != workflow.FAILED
                for p in self.graph.parents[uuid]):
            return workflow.SKIPPED
        return workflow.ONGOING

    def outcome(self):
        """The plan's final state."""
        if self.cancelled:
            return workflow.CANCELLED
        if workflow.FAILED in self.state.values():
            return workflow.FAILED
        return workflow.SUCCEEDED


def _phases(run, uuid):
    """pre_condition, execute, post_condition: the action's end state."""
    action = run.workers[uuid]
    try:
        action.pre_condition()
        if run.cancelled:
            return workflow.CANCELLED
        if action.execute() is False:
            LOG.info('action %s: execute returned False', uuid)
            return workflow.FAILED
        action.post_condition()
    except Exception:
        LOG.info('action %s failed', uuid, exc_info=True)
        return workflow.FAILED
    return workflow.SUCCEEDED


def perform(run, uuid):
    """A worker's job: run one action and post ('done', uuid, state), or
    ('unstarted', uuid, None) when the run stopped before it began."""
    if not run.claim(uuid):
        run.post('unstarted', uuid, None)
        return
    try:
        run.store.set_actions(run.plan.uuid, [uuid], workflow.ONGOING)
        state = run.settle(uuid, _phases(run, uuid))
        run.store.set_actions(run.plan.uuid, [uuid], state)
    except Exception as exc:
        run.settle(uuid, workflow.FAILED)
        run.post('error', uuid, exc)
        return
    run.post('done', uuid, state)


def undo(run, uuid):
    """A worker's job: revert one completed action, post ('reverted',
    uuid, state): REVERTED, or FAILED when its revert raised."""
    try:
        run.workers[uuid].revert()
        state = workflow.REVERTED
    except Exception:
        LOG.info('reverting action %s failed', uuid, exc_info=True)
        state = workflow.FAILED
    try:
        run.state[uuid] = state
        run.store.set_actions(run.plan.uuid, [uuid], state)
    except Exception as exc:
        run.post('error', uuid, exc)
        return
    run.post('reverted', uuid, state)
