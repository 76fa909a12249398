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

"""Plan and action states in a database, through SQLAlchemy Core.

Two tables of our own, ``indep_wf_plans`` and ``indep_wf_actions``; no ORM
and no session: every state change is one short transaction of its own,
committed before the engine goes on, so a reader sees it at once.

SQLite (the suite's default) allows one writer at a time, so on SQLite the
store serialises its own statements with one lock, and runs the database in
WAL mode so that a commit costs no full sync. Other databases take their
statements concurrently.
"""

import contextlib
import threading
import time

import sqlalchemy as sa
from sqlalchemy import pool as sa_pool

METADATA = sa.MetaData()

PLANS = sa.Table(
    'indep_wf_plans', METADATA,
    sa.Column('uuid', sa.String(64), primary_key=True),
    sa.Column('execution_rule', sa.String(16), nullable=True),
    sa.Column('state', sa.String(16), nullable=False),
    sa.Column('updated_at', sa.Float, nullable=False),
)

ACTIONS = sa.Table(
    'indep_wf_actions', METADATA,
    sa.Column('plan_uuid', sa.String(64), primary_key=True),
    sa.Column('uuid', sa.String(255), primary_key=True),
    sa.Column('action_type', sa.String(64), nullable=False),
    sa.Column('state', sa.String(16), nullable=False),
    sa.Column('updated_at', sa.Float, nullable=False),
)


def _tune_sqlite(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.close()


def _make_engine(url):
    url = sa.engine.make_url(url)
    if url.get_backend_name() != 'sqlite':
        return sa.create_engine(url), False
    kwargs = {'connect_args': {'check_same_thread': False, 'timeout': 30}}
    if url.database in (None, '', ':memory:'):
        # One connection shared by every thread, or each sees its own
        # empty database.
        kwargs['poolclass'] = sa_pool.StaticPool
    engine = sa.create_engine(url, **kwargs)
    sa.event.listen(engine, 'connect', _tune_sqlite)
    return engine, True


class StateStore:
    """The engine's database.

    :param url: any SQLAlchemy URL.
    """

    def __init__(self, url):
        self._engine, serialise = _make_engine(url)
        self._lock = threading.Lock() if serialise else None
        self._closed = False
        with self._transaction() as conn:
            METADATA.create_all(conn)

    @contextlib.contextmanager
    def _transaction(self):
        guard = self._lock or contextlib.nullcontext()
        with guard, self._engine.begin() as conn:
            yield conn

    def _write(self, *statements):
        """Run *statements* in one transaction; after close(), nothing."""
        if self._closed:
            return
        with self._transaction() as conn:
            for statement, rows in statements:
                if rows is None:
                    conn.execute(statement)
                elif rows:
                    conn.execute(statement, rows)

    def begin_plan(self, plan, state, action_state):
        """Record *plan* afresh: the plan in *state*, each action in
        *action_state*."""
        now = time.time()
        rows = [{'plan_uuid': plan.uuid, 'uuid': a.uuid,
                 'action_type': a.action_type, 'state': action_state,
                 'updated_at': now} for a in plan.actions]
        self._write(
            (ACTIONS.delete().where(ACTIONS.c.plan_uuid == plan.uuid), None),
            (PLANS.delete().where(PLANS.c.uuid == plan.uuid), None),
            (PLANS.insert().values(uuid=plan.uuid, state=state,
                                   execution_rule=plan.execution_rule,
                                   updated_at=now), None),
            (ACTIONS.insert(), rows))

    def set_actions(self, plan_uuid, uuids, state):
        """Move the actions *uuids* of a plan to *state*."""
        uuids = list(uuids)
        if uuids:
            self._write((ACTIONS.update().where(
                ACTIONS.c.plan_uuid == plan_uuid,
                ACTIONS.c.uuid.in_(uuids)).values(
                    state=state, updated_at=time.time()), None))

    def set_plan(self, plan_uuid, state):
        self._write((PLANS.update().where(PLANS.c.uuid == plan_uuid).values(
            state=state, updated_at=time.time()), None))

    def states(self, plan_uuid):
        """uuid -> state of a plan's actions ({} for an unknown plan)."""
        query = sa.select(ACTIONS.c.uuid, ACTIONS.c.state).where(
            ACTIONS.c.plan_uuid == plan_uuid)
        with self._transaction() as conn:
            return dict(conn.execute(query).all())

    def plan_state(self, plan_uuid):
        """The plan's state, or None for an unknown plan."""
        query = sa.select(PLANS.c.state).where(PLANS.c.uuid == plan_uuid)
        with self._transaction() as conn:
            return conn.execute(query).scalar()

    def close(self):
        """Stop writing and release the connections."""
        self._closed = True
        self._engine.dispose()
