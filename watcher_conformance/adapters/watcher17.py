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

"""Upstream OpenStack Watcher 17.0.0, as the contract sees it.

Needs ``python-watcher==17.0.0`` (``tox -e conformance-watcher`` installs
it). The adapter only wraps upstream's code and declares what it offers;
it adds no behaviour:

* ``threadpool``: ``watcher.decision_engine.threading.
  DecisionEngineThreadPool``, sized by ``[watcher_decision_engine]
  max_general_workers``. It offers ``futures_timeout`` (claimed); it has
  no ``wait_for_all``/``wait_for_any``, ``shutdown`` or ``statistics``
  (not claimed: those checks skip).

Upstream picks its executor from its own flag ``watcher.eventlet.
MONKEY_PATCHED``, which only its service entry points set; the suite
patches before anything is imported, so the adapter sets the flag to what
eventlet says, as ``watcher.eventlet.patch()`` would have.
"""

from oslo_utils import eventletutils
from watcher import eventlet as watcher_eventlet

watcher_eventlet.MONKEY_PATCHED = eventletutils.is_monkey_patched('thread')

from watcher.common import oslo_service_helper  # noqa: E402

try:
    # Before anything imports oslo_service.service: it would otherwise
    # default to the eventlet backend whatever the mode.
    oslo_service_helper.init_oslo_service_backend()
except Exception:  # already selected by an earlier import: keep it
    pass

import importlib.metadata  # noqa: E402

from watcher import conf as watcher_conf  # noqa: E402
from watcher.decision_engine import threading as de_threading  # noqa: E402

from watcher_conformance import contract  # noqa: E402

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


IMPLEMENTATION = contract.Implementation(
    name='watcher17',
    version=importlib.metadata.version('python-watcher'),
    modes={'threading', 'eventlet'},
    pieces={'threadpool': ThreadPoolProvider},
    features={'threadpool.futures_timeout'},
    description='upstream OpenStack Watcher, as released (python-watcher)',
)
