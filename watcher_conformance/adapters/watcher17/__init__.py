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
it adds no behaviour. One module per piece:

* :mod:`.threadpool`: ``DecisionEngineThreadPool``;
* :mod:`.builder`: ``NovaModelBuilder`` and the compute collector behind
  the simulated Nova;
* :mod:`.applier`: the applier's ``DefaultActionPlanHandler`` and
  ``DefaultWorkFlowEngine``, with action states in upstream's own database
  schema;
* :mod:`.audits`: the audit endpoint's pool, the collector's shared model
  and its Nova notification endpoint.

Upstream has no lock or offloading helpers (it uses no lockutils at all)
and no conductor: those pieces are not provided and their checks skip.

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

if watcher_conf.CONF._args is None:
    # Option defaults only, no config file: upstream's plugin loaders
    # reload config files, which needs a parsed command line.
    watcher_conf.CONF([], project='watcher', default_config_files=[])

from watcher_conformance.adapters.watcher17 import applier  # noqa: E402
from watcher_conformance.adapters.watcher17 import audits  # noqa: E402
from watcher_conformance.adapters.watcher17 import builder  # noqa: E402
from watcher_conformance.adapters.watcher17 import threadpool  # noqa: E402
from watcher_conformance import contract  # noqa: E402

IMPLEMENTATION = contract.Implementation(
    name='watcher17',
    version=importlib.metadata.version('python-watcher'),
    modes={'threading', 'eventlet'},
    pieces={'threadpool': threadpool.ThreadPoolProvider,
            'model_builder': builder.BuilderProvider,
            'workflow_engine': applier.EngineProvider,
            'audit_executor': audits.AuditProvider},
    features={'threadpool.futures_timeout', 'model_builder.shared_model',
              'workflow.cancel', 'workflow.execution_rules'},
    policies={'model_builder.fault_policy': 'raise',
              'workflow.failure_policy': 'continue'},
    description='upstream OpenStack Watcher, as released (python-watcher)',
)
