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

"""The workflow engine: an action plan as a taskflow graph flow, run by the
parallel engine on a pool of the process's mode.

Unlike upstream's ``DefaultWorkFlowEngine``:

* the pool lives as long as the engine, so a plan does not pay for starting
  and stopping one (upstream: about 1 s per plan, futurist's idle poll);
* a failed action is a failure taskflow sees, so the ``revert`` policy
  really reverts (upstream's container swallows every error, so taskflow
  never reverts: that is the ``continue`` policy, also offered);
* every action ends in a terminal state: those that never ran end
  CANCELLED (or SKIPPED under the ANY rule), none is left PENDING;
* an invalid plan is refused before anything runs or is stored.
"""

import graphlib
import logging
import threading

from taskflow import engines
from taskflow.patterns import graph_flow
from taskflow import task

from reference.applier import store as store_
from reference import executor
from watcher_conformance import workflow

LOG = logging.getLogger(__name__)
POLICIES = ('revert', 'continue')


class InvalidPlan(ValueError):
    """The plan cannot run: the message says why."""


class ActionFailure(Exception):
    """An action failed; taskflow sees it and, under ``revert``, reverts."""


def validate(plan):
    """Raise :class:`InvalidPlan` for a uuid used twice, an unknown parent
    or a cycle."""
    seen = set()
    for action in plan.actions:
        if action.uuid in seen:
            raise InvalidPlan('plan %s: action %s appears twice'
                              % (plan.uuid, action.uuid))
        seen.add(action.uuid)
    for action in plan.actions:
        unknown = [p for p in action.parents if p not in seen]
        if unknown:
            raise InvalidPlan('plan %s: action %s has unknown parent(s) %s'
                              % (plan.uuid, action.uuid, ', '.join(unknown)))
    try:
        graphlib.TopologicalSorter(
            {a.uuid: a.parents for a in plan.actions}).prepare()
    except graphlib.CycleError as exc:
        raise InvalidPlan('plan %s: actions form a cycle: %s'
                          % (plan.uuid, ' -> '.join(exc.args[1]))) from None


class ActionTask(task.Task):
    """One action inside taskflow; the work is the :class:`Run`'s.

    It provides its uuid and requires its parents' uuids: taskflow infers
    the graph's edges from that in one pass (``Flow.link`` copies the graph
    on every call: quadratic in the number of edges)."""

    def __init__(self, run, action, parents):
        super().__init__(name=action.uuid, provides=action.uuid,
                         requires=parents)
        self._run = run
        self._action = action

    def execute(self, **parents):
        return self._run.execute_action(self._action, parents)

    def revert(self, *args, **kwargs):
        self._run.revert_action(self._action, kwargs.get('result'))


class Run:
    """One execution of one plan: its own taskflow engine and bookkeeping,
    so that plans running at once share only the pool and the store."""

    def __init__(self, engine, plan, make_action):
        self.engine, self.plan = engine, plan
        self.store = engine.store
        self.make_action = make_action
        self.raise_on_failure = self.raises_on_failure()
        self.objects = {}
        self.ongoing = {}
        self.failed = False
        # Set by the worker whose action failed, under the revert policy,
        # before the failure is stored: taskflow learns of it later, and
        # may meanwhile hand out an action it already found ready.
        self.halted = False
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self.taskflow = engines.load(
            self.flow(), engine='parallel', executor=engine.pool,
            max_workers=engine.max_workers)

    def raises_on_failure(self):
        """Whether taskflow must see a failure (and revert): only under the
        revert policy, with no execution rule."""
        return (self.plan.execution_rule is None
                and self.engine.policy == 'revert')

    def flow(self):
        flow = graph_flow.Flow(self.plan.uuid)
        flow.add(*(ActionTask(self, a, a.parents) for a in self.plan.actions))
        return flow

    # -- in a worker ------------------------------------------------------

    def execute_action(self, action, parents):
        """True if the action succeeded; False (or ActionFailure raised,
        under revert) if it failed; SKIPPED if the ANY rule skips it.

        :param parents: parent uuid -> what this returned for it.
        """
        uuid = action.uuid
        if self.cancelled.is_set() or self.halted:
            return False  # never started: finish() marks it CANCELLED
        if (self.plan.execution_rule == workflow.ANY and parents
                and not all(result is False for result in parents.values())):
            # An alternative to its parents: it runs only if they failed.
            self.store.set_action_state(self.plan.uuid, uuid,
                                        workflow.SKIPPED)
            return workflow.SKIPPED
        try:
            obj = self.make_action(action)
        except Exception as exc:  # an action that cannot be made failed
            return self.action_failed(uuid, exc)
        with self._lock:
            self.objects[uuid] = self.ongoing[uuid] = obj
        self.store.set_action_state(self.plan.uuid, uuid, workflow.ONGOING)
        try:
            self.perform(uuid, obj)
        except Exception as exc:
            return self.action_failed(uuid, exc)
        finally:
            with self._lock:
                self.ongoing.pop(uuid, None)
        self.store.set_action_state(self.plan.uuid, uuid, workflow.SUCCEEDED)
        return True

    def perform(self, uuid, obj):
        """The action's phases; an exception if one fails, or if the plan
        was cancelled while the pre-condition ran (the work must not
        begin after a cancel)."""
        obj.pre_condition()
        if self.cancelled.is_set():
            raise ActionFailure('%s: cancelled before execute' % uuid)
        if obj.execute() is not True:
            raise ActionFailure('%s: execute did not succeed' % uuid)
        obj.post_condition()

    def action_failed(self, uuid, exc):
        if self.cancelled.is_set():
            self.store.set_action_state(self.plan.uuid, uuid,
                                        workflow.CANCELLED, 'aborted')
            return False
        self.failed = True
        self.halted = self.raise_on_failure
        self.store.set_action_state(self.plan.uuid, uuid, workflow.FAILED,
                                    str(exc)[:1000])
        if self.raise_on_failure:
            raise ActionFailure('action %s failed: %s' % (uuid, exc)) \
                from exc
        return False

    def revert_action(self, action, result):
        obj = self.objects.get(action.uuid)
        if obj is None or result is not True:
            return  # never ran, or it is the failure: nothing to undo
        try:
            obj.revert()
        except Exception as exc:
            self.failed = True
            self.store.set_action_state(self.plan.uuid, action.uuid,
                                        workflow.FAILED,
                                        'revert failed: %s' % exc)
            raise
        self.store.set_action_state(self.plan.uuid, action.uuid,
                                    workflow.REVERTED)

    # -- in the caller ------------------------------------------------------

    def run(self):
        self.store.set_plan_state(self.plan.uuid, workflow.ONGOING)
        try:
            self.taskflow.run()
        except Exception:
            self.failed = True  # the action or revert failure is stored
        return self.finish()

    def finish(self):
        self.store.set_states_where(self.plan.uuid, workflow.PENDING,
                                    workflow.CANCELLED)
        state = (workflow.CANCELLED if self.cancelled.is_set()
                 else workflow.FAILED if self.failed else workflow.SUCCEEDED)
        self.store.set_plan_state(self.plan.uuid, state)
        return state

    def cancel(self):
        self.cancelled.set()
        self.taskflow.suspend()
        with self._lock:
            ongoing = list(self.ongoing.items())
        for uuid, obj in ongoing:
            try:
                obj.abort()
            except Exception:
                # The action runs on; the others must still be aborted.
                LOG.exception('plan %s: aborting action %s failed',
                              self.plan.uuid, uuid)


class WorkflowEngine:
    """Runs action plans.

    :param max_workers: actions running at once, at most.
    :param policy: ``'revert'`` (default) or ``'continue'``.
    :param database_url: where states go (any SQLAlchemy URL; default: a
        fresh SQLite file).
    """

    run_class = Run
    store_class = store_.Store
    validate = staticmethod(validate)

    def __init__(self, max_workers, policy='revert', database_url=None):
        if policy not in POLICIES:
            raise ValueError('policy must be one of %s, not %r'
                             % (', '.join(POLICIES), policy))
        self.max_workers = max_workers
        self.policy = policy
        self.store = self.store_class(database_url)
        self.pool = self.make_pool(max_workers)
        self._runs = {}
        self._lock = threading.Lock()

    def make_pool(self, max_workers):
        """A pool for the engine's whole life: a plan pays nothing to start
        or stop one."""
        return executor.make(max_workers)

    def execute(self, plan, make_action):
        """Run *plan* to its end; its final state."""
        self.validate(plan)
        run = self.run_class(self, plan, make_action)
        self.store.add_plan(plan, workflow.PENDING)
        with self._lock:
            self._runs[plan.uuid] = run
        try:
            return run.run()
        finally:
            with self._lock:
                self._runs.pop(plan.uuid, None)

    def cancel(self, plan_uuid):
        """Stop a running plan: nothing new starts, running actions are
        aborted, the plan ends CANCELLED."""
        with self._lock:
            run = self._runs.get(plan_uuid)
        if run is None:
            raise KeyError('no plan %s is running' % plan_uuid)
        self.store.set_plan_state(plan_uuid, 'CANCELLING')
        run.cancel()

    def states(self, plan_uuid):
        return self.store.states(plan_uuid)

    def plan_state(self, plan_uuid):
        return self.store.plan_state(plan_uuid)

    def close(self):
        self.pool.shutdown(wait=False)
        self.store.close()
