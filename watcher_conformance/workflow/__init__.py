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

"""The workflow engine's contract: plans of actions, and their states.

A ``workflow_engine`` piece (upstream: the applier's
``DefaultWorkFlowEngine``) has these methods:

``execute(plan, make_action)``
    Run *plan* (a :class:`Plan`) to its end and return the plan's final
    state. ``make_action(action)`` gives the object that does an
    :class:`Action`'s work, with upstream Watcher's action methods:
    ``pre_condition()``, ``execute()`` (True on success; False or an
    exception is a failure), ``post_condition()``, ``revert()`` and
    ``abort()`` (True once aborted). The suite supplies these objects
    (:mod:`.actions`), so every implementation runs the same actions.
    An invalid plan (a cycle, an unknown parent, a uuid used twice) raises
    an exception before any action runs.

``states(plan_uuid)`` and ``plan_state(plan_uuid)``
    The actions' states (uuid -> state) and the plan's state, read from the
    implementation's database: every state change is persisted there as it
    happens.

``cancel(plan_uuid)`` (feature ``workflow.cancel``)
    Ask a running plan to stop: actions not started never start, running
    ones are aborted, and the plan ends CANCELLED.

What happens when an action fails is the implementation's declared
``workflow.failure_policy``:

``revert``
    The descendants of the failed action never run (they end CANCELLED)
    and every action that completed is reverted (it ends REVERTED), children
    before parents. A revert that raises leaves its action FAILED.
``continue``
    The children of the failed action still run, and nothing is reverted
    (upstream Watcher 17).

A plan's ``execution_rule`` (feature ``workflow.execution_rules``), when
set, replaces the policy for that plan: ``ALWAYS`` runs every action
whatever its parents did, and ``ANY`` runs an action only when every one
of its parents failed (it is their alternative), SKIPPING it and its
descendants otherwise. Nothing is reverted under either rule.

The contract (doc/source/contract.rst, the workflow_engine piece) and
:mod:`watcher_conformance.obligations.workflow` say the rest: what the store
says while a plan runs, what is the engine's choice, and what a cancel does
at each moment.
"""

import dataclasses

PENDING = 'PENDING'
ONGOING = 'ONGOING'
SUCCEEDED = 'SUCCEEDED'
FAILED = 'FAILED'
REVERTED = 'REVERTED'
CANCELLED = 'CANCELLED'
SKIPPED = 'SKIPPED'
#: States an action ends in.
TERMINAL = frozenset({SUCCEEDED, FAILED, REVERTED, CANCELLED, SKIPPED})
#: States a plan ends in.
PLAN_TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELLED})

ALWAYS = 'ALWAYS'
ANY = 'ANY'
RULES = (ALWAYS, ANY)


@dataclasses.dataclass(frozen=True)
class Action:
    """One action of a plan.

    :param uuid: its id, unique in the plan.
    :param action_type: what it does (see :mod:`.actions`).
    :param parents: uuids of the actions that must finish before it starts.
    :param parameters: its input parameters.
    """

    uuid: str
    action_type: str = 'nop'
    parents: tuple = ()
    parameters: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, 'parents', tuple(self.parents))


@dataclasses.dataclass(frozen=True)
class Plan:
    """An action plan: a graph of actions.

    :param uuid: the plan's id.
    :param actions: its :class:`Action` s.
    :param execution_rule: None (the failure policy applies), or one of
        :data:`RULES`.
    """

    uuid: str
    actions: tuple
    execution_rule: str = None

    def __post_init__(self):
        object.__setattr__(self, 'actions', tuple(self.actions))
        if self.execution_rule not in (None,) + RULES:
            raise ValueError('execution_rule must be one of %s or None'
                             % ', '.join(RULES))
