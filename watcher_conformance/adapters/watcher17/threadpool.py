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

"""Upstream's ``DecisionEngineThreadPool``, sized by ``[watcher_decision_
engine] max_general_workers``.

It offers ``futures_timeout`` (claimed); it has no ``wait_for_all``/
``wait_for_any``, ``shutdown`` or ``statistics`` (not claimed: those checks
skip).
"""

from watcher import conf as watcher_conf
from watcher.decision_engine import threading as de_threading

from watcher_conformance import contract

CONF = watcher_conf.CONF
Pool = de_threading.DecisionEngineThreadPool


def _forget_pool():
    """Upstream's singleton keeps its first instance (and its size)."""
    pool = type(Pool)._instances.pop(Pool, None)
    if pool is not None:
        pool._threadpool.shutdown(wait=False)


class ThreadPoolProvider(contract.Provider):
    """Upstream's pool, sized by the suite's worker count."""

    def __init__(self, settings):
        CONF.set_override('max_general_workers', settings.max_workers,
                          group='watcher_decision_engine')
        _forget_pool()

    def get(self):
        return Pool()

    def reset(self):
        _forget_pool()
        CONF.clear_override('max_general_workers',
                            group='watcher_decision_engine')
