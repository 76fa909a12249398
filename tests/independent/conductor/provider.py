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

"""The conductor piece for the suite: one conductor per provider."""

import threading

from tests.independent.conductor import service
from watcher_conformance import contract


class ConductorProvider(contract.Provider):
    """Builds the conductor on first ``get()``; ``reset()`` closes it
    without waiting for running operations."""

    def __init__(self, settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._conductor = None

    def get(self):
        with self._lock:
            if self._conductor is None:
                self._conductor = service.Conductor(self._settings)
            return self._conductor

    def reset(self):
        with self._lock:
            old, self._conductor = self._conductor, None
        if old is not None:
            old.close()
