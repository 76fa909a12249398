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

"""An independent workflow engine, written from the documentation alone.

Not on taskflow: its own scheduler (:mod:`.scheduler`), a ready set driven
by in-degree counts and a completion queue, over a fixed crew of worker
threads (:mod:`.crew`; green threads under eventlet), with the states in
its own two tables through SQLAlchemy Core (:mod:`.store`).

``IMPLEMENTATION`` follows the ``continue`` failure policy (upstream
Watcher 17); ``REVERT_IMPLEMENTATION`` is the same engine following
``revert``. Both claim ``workflow.cancel`` and ``workflow.execution_rules``.
Importing this package starts nothing: the crew starts on the first plan.
"""

import threading

from tests.independent.engine import scheduler
from watcher_conformance import contract

FEATURES = {'workflow.cancel', 'workflow.execution_rules'}


class EngineProvider(contract.Provider):
    """One engine per test: built on the first get(), closed by reset()."""

    policy = 'continue'

    def __init__(self, settings):
        self._settings = settings
        self._engine = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._engine is None:
                self._engine = scheduler.WorkflowEngine(
                    self._settings.database_url or 'sqlite://',
                    self._settings.max_workers, self._settings.mode,
                    self.policy)
            return self._engine

    def reset(self):
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()


class RevertEngineProvider(EngineProvider):
    """The same engine, following the revert policy."""

    policy = 'revert'


def _implementation(name, provider):
    return contract.Implementation(
        name=name,
        version='1.0',
        modes={'threading', 'eventlet'},
        pieces={'workflow_engine': provider},
        features=FEATURES,
        policies={'workflow.failure_policy': provider.policy},
        description='independent workflow engine (own scheduler, '
                    'SQLAlchemy Core), %s policy' % provider.policy,
    )


IMPLEMENTATION = _implementation('indep-engine', EngineProvider)
REVERT_IMPLEMENTATION = _implementation('indep-engine-revert',
                                        RevertEngineProvider)
