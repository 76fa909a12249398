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

"""Action plan and action states in a SQL database, through SQLAlchemy.

A state change returns once it is committed, so a reader in another
process sees an action ONGOING while it runs; the ``state_changes`` table
keeps every change, in order.

Writes are group-committed: a thread that finds another committing queues
its change, and the next committer writes every queued change in one
transaction. Twenty workers changing states at once pay for a few
transactions, not twenty (at about 250 us of CPU a transaction, that was
a third of a 200-action plan's run). One writer at a time also suits
SQLite, which runs in WAL mode with ``synchronous=NORMAL`` (durable at
checkpoints, not per commit).
"""

import os
import tempfile
import threading
import time

import sqlalchemy as sa

METADATA = sa.MetaData()
PLANS = sa.Table(
    'action_plans', METADATA,
    sa.Column('uuid', sa.String(64), primary_key=True),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('updated_at', sa.Float, nullable=False))
# An action's uuid is unique within its plan.
ACTIONS = sa.Table(
    'actions', METADATA,
    sa.Column('plan_uuid', sa.String(64), sa.ForeignKey('action_plans.uuid'),
              primary_key=True),
    sa.Column('uuid', sa.String(64), primary_key=True),
    sa.Column('action_type', sa.String(64), nullable=False),
    sa.Column('parents', sa.JSON, nullable=False),
    sa.Column('parameters', sa.JSON, nullable=False),
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('status_message', sa.Text),
    sa.Column('updated_at', sa.Float, nullable=False))
STATE_CHANGES = sa.Table(
    'state_changes', METADATA,
    sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('plan_uuid', sa.String(64), nullable=False, index=True),
    sa.Column('action_uuid', sa.String(64)),  # None: the plan's own state
    sa.Column('state', sa.String(20), nullable=False),
    sa.Column('at', sa.Float, nullable=False))


def default_url():
    """A SQLite file of its own, in the temporary directory."""
    directory = tempfile.mkdtemp(prefix='watcher-applier-')
    return 'sqlite:///' + os.path.join(directory, 'applier.db')


_UPDATE_ACTION = ACTIONS.update().where(
    ACTIONS.c.plan_uuid == sa.bindparam('p'),
    ACTIONS.c.uuid == sa.bindparam('u')).values(
        state=sa.bindparam('s'), updated_at=sa.bindparam('t'),
        status_message=sa.func.coalesce(sa.bindparam('m', type_=sa.Text),
                                        ACTIONS.c.status_message))
_UPDATE_PLAN = PLANS.update().where(PLANS.c.uuid == sa.bindparam('p')).values(
    state=sa.bindparam('s'), updated_at=sa.bindparam('t'))


class _Change:
    """A state change waiting to be committed."""

    __slots__ = ('plan_uuid', 'action_uuid', 'state', 'message', 'at',
                 'error')

    def __init__(self, plan_uuid, action_uuid, state, message):
        self.plan_uuid, self.action_uuid = plan_uuid, action_uuid
        self.state, self.message = state, message
        self.at = time.time()
        self.error = None


def _sqlite_pragmas(dbapi_connection, record):
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.close()


class Store:
    """The applier's tables in the database at *url* (created if need be).

    :param url: any SQLAlchemy URL; default: a fresh SQLite file.
    """

    def __init__(self, url=None):
        self.url = url or default_url()
        sqlite = self.url.startswith('sqlite')
        self.engine = sa.create_engine(
            self.url, connect_args={'check_same_thread': False}
            if sqlite else {})
        if sqlite:
            sa.event.listen(self.engine, 'connect', _sqlite_pragmas)
        METADATA.create_all(self.engine)
        self._write = threading.Lock()      # one committer at a time
        self._queue_lock = threading.Lock()
        self._queued = []

    def close(self):
        self.engine.dispose()

    def add_plan(self, plan, state):
        """Record *plan* and its actions, all in *state*."""
        now = time.time()
        with self._write, self.engine.begin() as conn:
            conn.execute(PLANS.insert(), [{'uuid': plan.uuid, 'state': state,
                                           'updated_at': now}])
            if not plan.actions:
                return  # an empty executemany would insert a blank row
            conn.execute(ACTIONS.insert(), [
                {'uuid': a.uuid, 'plan_uuid': plan.uuid,
                 'action_type': a.action_type, 'parents': list(a.parents),
                 'parameters': dict(a.parameters), 'state': state,
                 'updated_at': now} for a in plan.actions])

    def set_plan_state(self, plan_uuid, state):
        self._commit(_Change(plan_uuid, None, state, None))

    def set_action_state(self, plan_uuid, action_uuid, state, message=None):
        self._commit(_Change(plan_uuid, action_uuid, state, message))

    def _commit(self, change):
        with self._queue_lock:
            self._queued.append(change)
        with self._write:
            # Whoever held the lock before may have committed ours already.
            with self._queue_lock:
                batch, self._queued = self._queued, []
            if batch:
                try:
                    self._write_batch(batch)
                except Exception as exc:
                    for queued in batch:
                        queued.error = exc
        if change.error is not None:
            raise change.error

    def _write_batch(self, batch):
        actions = [{'p': c.plan_uuid, 'u': c.action_uuid, 's': c.state,
                    'm': c.message, 't': c.at} for c in batch
                   if c.action_uuid is not None]
        plans = [{'p': c.plan_uuid, 's': c.state, 't': c.at} for c in batch
                 if c.action_uuid is None]
        with self.engine.begin() as conn:
            if actions:
                conn.execute(_UPDATE_ACTION, actions)
            if plans:
                conn.execute(_UPDATE_PLAN, plans)
            conn.execute(STATE_CHANGES.insert(), [
                {'plan_uuid': c.plan_uuid, 'action_uuid': c.action_uuid,
                 'state': c.state, 'at': c.at} for c in batch])

    def set_states_where(self, plan_uuid, old, new):
        """Move the plan's actions in state *old* to *new*; their uuids."""
        now = time.time()
        with self._write, self.engine.begin() as conn:
            uuids = [r.uuid for r in conn.execute(
                sa.select(ACTIONS.c.uuid).where(
                    ACTIONS.c.plan_uuid == plan_uuid,
                    ACTIONS.c.state == old))]
            if uuids:
                conn.execute(ACTIONS.update().where(
                    ACTIONS.c.plan_uuid == plan_uuid,
                    ACTIONS.c.uuid.in_(uuids)).values(state=new,
                                                      updated_at=now))
                conn.execute(STATE_CHANGES.insert(), [
                    {'plan_uuid': plan_uuid, 'action_uuid': u, 'state': new,
                     'at': now} for u in uuids])
        return uuids

    def states(self, plan_uuid):
        """Action uuid -> state."""
        with self.engine.connect() as conn:
            return dict(conn.execute(
                sa.select(ACTIONS.c.uuid, ACTIONS.c.state)
                .where(ACTIONS.c.plan_uuid == plan_uuid)).all())

    def plan_state(self, plan_uuid):
        with self.engine.connect() as conn:
            return conn.execute(sa.select(PLANS.c.state).where(
                PLANS.c.uuid == plan_uuid)).scalar()

    def history(self, plan_uuid):
        """``(action uuid or None, state)`` of every change, in order."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                sa.select(STATE_CHANGES.c.action_uuid, STATE_CHANGES.c.state)
                .where(STATE_CHANGES.c.plan_uuid == plan_uuid)
                .order_by(STATE_CHANGES.c.id))]
