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

"""The operation table: the conductor's queue *is* this table.

Every submitted operation is one row, written before ``submit`` returns.
There is no in-memory queue: a worker finds its next operation by reading
the unfinished rows of its own incarnation and claiming (``claim`` column)
the oldest head of a resource that nobody holds (see :mod:`.scheduler`).
States are those of :mod:`watcher_conformance.conductor`.

Every statement is its own short transaction, and the statements of one
process are serialised by one process-wide lock: under eventlet a green
thread must never wait in SQLite's C busy handler for a write lock held by
another green thread of the same process. Across processes, SQLite's busy
timeout does the waiting.
"""

import collections
import json
import os
import tempfile
import threading

import sqlalchemy as sa

from watcher_conformance import conductor

#: Serialises this process's statements (green under eventlet, because the
#: process is patched before this module is imported).
_STATEMENTS = threading.RLock()

METADATA = sa.MetaData()
OPERATIONS = sa.Table(
    'indep_conductor_operations', METADATA,
    sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('member', sa.String(255), nullable=False),
    sa.Column('incarnation', sa.String(64), nullable=False, index=True),
    sa.Column('resource', sa.String(255), nullable=False),
    sa.Column('operation', sa.String(255), nullable=False),
    sa.Column('tag', sa.String(255)),
    sa.Column('params', sa.Text),
    sa.Column('state', sa.String(16), nullable=False),
    sa.Column('attempts', sa.Integer, nullable=False),
    sa.Column('due', sa.Float, nullable=False),
    sa.Column('claim', sa.String(64)),
    sa.Column('inline', sa.Boolean, nullable=False),
    sa.Column('error', sa.Text),
    sqlite_autoincrement=True,
)

#: What the scheduler needs of a row.
Row = collections.namedtuple(
    'Row', 'id resource operation state attempts due claim inline '
           'incarnation params')

_UNFINISHED = (conductor.QUEUED, conductor.RUNNING, conductor.WAITING)


def _engine(url):
    """An engine for *url*; a private SQLite file when none is given."""
    if not url:
        url = 'sqlite:///' + os.path.join(
            tempfile.mkdtemp(prefix='indep-conductor-'), 'ops.sqlite')
    kwargs = {}
    if sa.engine.make_url(url).get_backend_name() == 'sqlite':
        kwargs['connect_args'] = {'timeout': 30}
    return sa.create_engine(url, **kwargs)


class Store:
    """The operation rows of one database."""

    def __init__(self, url):
        self._engine = _engine(url)
        self._create()

    def _create(self):
        # Two processes may race to create the table: the loser retries
        # once and finds it there.
        for attempt in (1, 2):
            try:
                with _STATEMENTS:
                    METADATA.create_all(self._engine, checkfirst=True)
                return
            except sa.exc.OperationalError:
                if attempt == 2:
                    raise

    def dispose(self):
        self._engine.dispose()

    def _write(self, statement):
        with _STATEMENTS, self._engine.begin() as conn:
            return conn.execute(statement)

    def _read(self, statement):
        with _STATEMENTS, self._engine.connect() as conn:
            return conn.execute(statement).fetchall()

    # -- writes ----------------------------------------------------------

    def insert(self, member, incarnation, resource, operation, params,
               claim=None, inline=False):
        """Queue one operation; returns its id (submission order)."""
        tag = params.get('tag') if isinstance(params, dict) else None
        result = self._write(OPERATIONS.insert().values(
            member=member, incarnation=incarnation, resource=resource,
            operation=operation,
            tag=None if tag is None else str(tag),
            params=json.dumps(params, default=repr),
            state=conductor.QUEUED, attempts=0, due=0.0, claim=claim,
            inline=bool(inline)))
        return result.inserted_primary_key[0]

    def claim(self, op_id, incarnation, token):
        """Take a QUEUED or WAITING row of *incarnation*; False if gone."""
        t = OPERATIONS.c
        result = self._write(OPERATIONS.update().where(
            t.id == op_id, t.incarnation == incarnation, t.claim.is_(None),
            t.state.in_((conductor.QUEUED, conductor.WAITING)),
        ).values(claim=token))
        return result.rowcount == 1

    def start(self, op_id, attempts):
        self._write(OPERATIONS.update().where(OPERATIONS.c.id == op_id)
                    .values(state=conductor.RUNNING, attempts=attempts))

    def settle(self, op_id, state, due=0.0, error=None):
        """Leave RUNNING (or a claim) for *state*, dropping the claim."""
        self._write(OPERATIONS.update().where(OPERATIONS.c.id == op_id)
                    .values(state=state, due=due, error=error, claim=None))

    def unclaim(self, op_id):
        self._write(OPERATIONS.update().where(OPERATIONS.c.id == op_id)
                    .values(claim=None))

    def adopt(self, op_id, old, new):
        """Move a dead incarnation's unstarted row to *new*; False if
        someone else adopted it first."""
        t = OPERATIONS.c
        result = self._write(OPERATIONS.update().where(
            t.id == op_id, t.incarnation == old,
            t.state.in_((conductor.QUEUED, conductor.WAITING)),
        ).values(incarnation=new, claim=None, inline=False,
                 state=conductor.QUEUED, due=0.0))
        return result.rowcount == 1

    def interrupt(self, op_id, old, error):
        """FAIL a row a dead incarnation was running."""
        t = OPERATIONS.c
        result = self._write(OPERATIONS.update().where(
            t.id == op_id, t.incarnation == old,
            t.state == conductor.RUNNING,
        ).values(state=conductor.FAILED, claim=None, error=error))
        return result.rowcount == 1

    # -- reads -----------------------------------------------------------

    def _rows(self, *where):
        t = OPERATIONS.c
        rows = self._read(sa.select(
            t.id, t.resource, t.operation, t.state, t.attempts, t.due,
            t.claim, t.inline, t.incarnation, t.params,
        ).where(*where).order_by(t.id))
        return [Row(*r) for r in rows]

    def unfinished(self, incarnation):
        t = OPERATIONS.c
        return self._rows(t.incarnation == incarnation,
                          t.state.in_(_UNFINISHED))

    def busy(self, incarnation, resource):
        """Whether *incarnation* has anything unfinished on *resource*."""
        t = OPERATIONS.c
        return bool(self._read(sa.select(t.id).where(
            t.incarnation == incarnation, t.resource == resource,
            t.state.in_(_UNFINISHED)).limit(1)))

    def orphans(self, member, incarnation):
        """Unfinished rows of *member* left by other incarnations."""
        t = OPERATIONS.c
        return self._rows(t.member == member, t.incarnation != incarnation,
                          t.state.in_(_UNFINISHED))

    def states(self):
        """(id, resource, operation, tag, state) of every row, in order.

        The tag is decoded from the stored parameters, so it keeps the
        type the submitter gave it.
        """
        t = OPERATIONS.c
        rows = self._read(sa.select(
            t.id, t.resource, t.operation, t.params, t.state).order_by(t.id))
        return [(i, res, op, _tag(params), state)
                for i, res, op, params, state in rows]


def _tag(params):
    try:
        decoded = json.loads(params)
    except (TypeError, ValueError):
        return None
    return decoded.get('tag') if isinstance(decoded, dict) else None
