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

"""Upstream's applier: ``DefaultActionPlanHandler`` running the
``taskflow`` workflow engine (``DefaultWorkFlowEngine``), with its states in
upstream's own database schema.

``execute(plan, make_action)`` does what Watcher does when an action plan
is launched: it stores a goal, a strategy, an audit, the action plan
(PENDING) and its actions (PENDING, with their parents) through upstream's
DB API, then runs ``DefaultActionPlanHandler.execute()``, which loads the
engine through its stevedore loader. Each action's object comes from the
suite's *make_action*, handed to the engine through upstream's
``ActionFactory.make_action``. Action names become uuids
(``uuid5(plan uuid, name)``), since upstream's actions are keyed by uuid.

``cancel(plan_uuid)`` does what Watcher's API does on ``PATCH state=
CANCELLING``: an ONGOING plan becomes CANCELLING in the database, a PENDING
one CANCELLED with its actions; the engine notices between actions.

The database is ``Settings.database_url``, through a transaction context of
its own (as upstream's ``WatcherDatabase`` test fixture does), with the
schema created from upstream's models. On SQLite, writes are serialised
with upstream's own ``DatabaseWriteLock`` test fixture, as upstream's tests
do: oslo.db does not retry "database is locked". Notifications go to
the ``fake`` transport with no driver
(they are built, then dropped).

Declared: ``workflow.failure_policy = continue`` (upstream documents that a
failed action's children still run, and nothing is reverted unless the
deprecated ``rollback_when_actionplan_failed`` is set), and the features
``workflow.cancel`` and ``workflow.execution_rules``. A plan's execution
rule becomes a strategy named ``conformance-<rule>``, mapped to it by
``[watcher_workflow_engines.taskflow] action_execution_rule``.
"""

import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
from unittest import mock
import uuid as uuid_

from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import test_fixtures
from oslo_messaging import transport as om_transport
import sqlalchemy
from watcher.applier.action_plan import default as action_plan_handler
from watcher.applier.actions import factory
from watcher.applier.workflow_engine import default as taskflow_engine
from watcher.common import context as watcher_context
from watcher.common import exception
from watcher.common import rpc
from watcher import conf as watcher_conf
from watcher.db import api as db_api
from watcher.db.sqlalchemy import models
from watcher import objects

from watcher_conformance import contract
from watcher_conformance import workflow

objects.register_all()  # as upstream's services do at start-up
CONF = watcher_conf.CONF
ENGINE_GROUP = 'watcher_workflow_engines.taskflow'
#: Seconds reset() waits for plans still running.
IDLE_TIMEOUT = 60
_rpc_ready = threading.Lock()


def _init_rpc():
    """Notifications to nowhere, once per process."""
    with _rpc_ready:
        if rpc.NOTIFIER is None:
            # Registered by oslo.messaging only when a transport is made.
            CONF.register_opts(om_transport._transport_opts)
            CONF.set_override('transport_url', 'fake:/')
            rpc.init(CONF)  # no notification driver configured: noop


def _strategy_name(rule):
    return 'conformance-%s' % (rule or 'default').lower()


class Engine:
    """The contract's workflow engine, on upstream's applier."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.dbapi = db_api.get_instance()
        self._lock = threading.Lock()
        self._names = {}     # upstream action uuid -> the plan's name
        self._make = {}      # upstream action uuid -> (make_action, Action)
        self._ids = {}       # goal and strategies, made once
        self._running = 0
        self._idle = threading.Condition(self._lock)

    @staticmethod
    def _uuid(plan_uuid, name):
        return str(uuid_.uuid5(uuid_.UUID(plan_uuid), name))

    def _strategy_id(self, rule):
        with self._lock:
            if 'goal' not in self._ids:
                self._ids['goal'] = self.dbapi.create_goal({
                    'uuid': str(uuid_.uuid4()), 'name': 'conformance',
                    'display_name': 'conformance',
                    'efficacy_specification': []}).id
            name = _strategy_name(rule)
            if name not in self._ids:
                self._ids[name] = self.dbapi.create_strategy({
                    'uuid': str(uuid_.uuid4()), 'name': name,
                    'display_name': name, 'goal_id': self._ids['goal'],
                    'parameters_spec': {}}).id
            return self._ids['goal'], self._ids[name]

    def _store(self, plan, make_action):
        goal_id, strategy_id = self._strategy_id(plan.execution_rule)
        audit = self.dbapi.create_audit({
            'uuid': str(uuid_.uuid4()), 'name': 'audit-%s' % plan.uuid,
            'audit_type': 'ONESHOT', 'state': 'SUCCEEDED', 'goal_id': goal_id,
            'strategy_id': strategy_id, 'parameters': {}, 'scope': [],
            'auto_trigger': False, 'force': False})
        stored = self.dbapi.create_action_plan({
            'uuid': plan.uuid, 'audit_id': audit.id,
            'strategy_id': strategy_id, 'state': 'PENDING',
            'global_efficacy': []})
        for action in plan.actions:
            uuid = self._uuid(plan.uuid, action.uuid)
            with self._lock:
                self._names[uuid] = action.uuid
                self._make[uuid] = (make_action, action)
            self.dbapi.create_action({
                'uuid': uuid, 'action_plan_id': stored.id,
                'action_type': action.action_type,
                'input_parameters': dict(action.parameters),
                'state': 'PENDING',
                'parents': [self._uuid(plan.uuid, p)
                            for p in action.parents]})

    def make_action(self, db_action):
        """Upstream's ActionFactory, answered by the suite's actions."""
        with self._lock:
            make_action, action = self._make[db_action.uuid]
        return make_action(action)

    def execute(self, plan, make_action):
        with self._lock:
            self._running += 1
        try:
            self._store(plan, make_action)
            action_plan_handler.DefaultActionPlanHandler(
                self.ctx, None, plan.uuid).execute()
            return self.plan_state(plan.uuid)
        finally:
            with self._lock:
                self._running -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout):
        """Wait for plans still running (upstream cannot stop one)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._running, timeout)

    def states(self, plan_uuid):
        actions = objects.Action.list(
            self.ctx, filters={'action_plan_uuid': plan_uuid}, eager=True)
        with self._lock:
            return {self._names[a.uuid]: a.state for a in actions}

    def plan_state(self, plan_uuid):
        # The contract's "not stored yet" is None; upstream raises.
        try:
            return objects.ActionPlan.get_by_uuid(self.ctx, plan_uuid).state
        except exception.ActionPlanNotFound:
            return None

    def cancel(self, plan_uuid):
        plan = objects.ActionPlan.get_by_uuid(self.ctx, plan_uuid)
        state = objects.action_plan.State
        if plan.state == state.ONGOING:
            plan.state = state.CANCELLING
            plan.save()
        elif plan.state == state.PENDING:
            plan.state = state.CANCELLED
            plan.save()
            for action in objects.Action.list(
                    self.ctx, filters={'action_plan_uuid': plan_uuid},
                    eager=True):
                action.state = objects.action.State.CANCELLED
                action.save()


class EngineProvider(contract.Provider):
    """Upstream's applier on the database the suite names."""

    def __init__(self, settings):
        _init_rpc()
        self._cleanups = []
        url = settings.database_url
        if url is None:  # the suite names one for every test; not so here
            directory = tempfile.mkdtemp(prefix='watcher17-')
            self._cleanups.append(lambda: shutil.rmtree(directory, True))
            url = 'sqlite:///' + os.path.join(directory, 'watcher.db')
        facade = enginefacade.transaction_context()
        sqlite = url.startswith('sqlite')
        # On SQLite: WAL and no fsync per commit, as the reference runs
        # (and WAL as upstream's own test fixture does).
        facade.configure(connection=url, sqlite_synchronous=not sqlite)
        self._use(test_fixtures.ReplaceEngineFacadeFixture(
            enginefacade._context_manager, facade))
        path = sqlalchemy.engine.make_url(url).database
        if sqlite and path:
            # Persistent: every later connection finds the file in WAL.
            with contextlib.closing(sqlite3.connect(path)) as connection:
                connection.execute('PRAGMA journal_mode=WAL')
        models.Base.metadata.create_all(facade.writer.get_engine())
        if sqlite:
            # Imported only here: upstream ships it with its tests.
            from watcher.tests.local_fixtures import db_lock
            self._use(db_lock.DatabaseWriteLock())
        CONF.register_opts(taskflow_engine.DefaultWorkFlowEngine
                           .get_config_opts(), group=ENGINE_GROUP)
        self._override('max_workers', settings.max_workers, ENGINE_GROUP)
        self._override('action_execution_rule',
                       {_strategy_name(r): r for r in workflow.RULES},
                       ENGINE_GROUP)
        self._override('workflow_engine', 'taskflow', 'watcher_applier')
        self.engine = Engine(watcher_context.make_context(is_admin=True))
        patch = mock.patch.object(
            factory.ActionFactory, 'make_action',
            lambda _, db_action, osc=None: self.engine.make_action(
                db_action))
        patch.start()
        self._cleanups.append(patch.stop)

    def _use(self, fixture):
        fixture.setUp()
        self._cleanups.append(fixture.cleanUp)

    def _override(self, name, value, group):
        CONF.set_override(name, value, group=group)
        self._cleanups.append(lambda: CONF.clear_override(name, group=group))

    def get(self):
        return self.engine

    def reset(self):
        # A plan the suite gave up on (its gates are open by now) would
        # otherwise go on writing into the next test's database.
        self.engine.wait_idle(IDLE_TIMEOUT)
        while self._cleanups:
            self._cleanups.pop()()
