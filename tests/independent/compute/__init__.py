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

"""An independent compute model builder and audit executor.

Written from the suite's documentation alone. The builder keeps a model of
plain read-only dicts and crawls Nova host by host over a bounded crew of
its own (:mod:`.builder`); the audit executor hands each audit an immutable
snapshot of a copy-on-write shared model (:mod:`.shared`, :mod:`.audits`).
Importing this package starts nothing: crews hire their workers on their
first job.
"""

import threading

from tests.independent.compute import audits
from tests.independent.compute import builder
from watcher_conformance import contract


class _Provider(contract.Provider):
    """One piece per test, built on first ``get()``, closed by
    ``reset()`` without waiting for its workers."""

    def __init__(self, settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._piece = None

    def _make(self, workers, green):
        raise NotImplementedError

    def get(self):
        with self._lock:
            if self._piece is None:
                self._piece = self._make(self._settings.max_workers,
                                         self._settings.mode == 'eventlet')
            return self._piece

    def reset(self):
        with self._lock:
            piece, self._piece = self._piece, None
        if piece is not None:
            piece.close()


class BuilderProvider(_Provider):
    _make = staticmethod(builder.Builder)


class AuditExecutorProvider(_Provider):
    _make = staticmethod(audits.AuditExecutor)


IMPLEMENTATION = contract.Implementation(
    name='independent-compute',
    version='1.0',
    modes={'threading', 'eventlet'},
    pieces={'model_builder': BuilderProvider,
            'audit_executor': AuditExecutorProvider},
    features={'model_builder.shared_model'},
    policies={'model_builder.fault_policy': 'mark_incomplete'},
    description='independent builder (host crawl over a bounded crew) and '
                'audit executor (copy-on-write snapshots)',
)
