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

"""The reference implementation, as the suite's contract describes it."""

import pbr.version

from reference.applier import engine as applier
from reference import audits
from reference import builder
from reference import conductor
from reference import conf
from reference import primitives
from reference import threadpool
from watcher_conformance import contract


class ThreadPoolProvider(contract.Provider):
    """The singleton pool, configured with the suite's worker count.

    :param settings: the suite's :class:`~watcher_conformance.contract.
        Settings`.
    :param pool_class: the singleton class to provide.
    """

    def __init__(self, settings,
                 pool_class=threadpool.DecisionEngineThreadPool):
        self.pool_class = pool_class
        conf.CONF.set_override('max_general_workers', settings.max_workers,
                               group='watcher_decision_engine')
        pool_class.reset()

    def get(self):
        return self.pool_class()

    def reset(self):
        self.pool_class.reset()
        conf.CONF.clear_override('max_general_workers',
                                 group='watcher_decision_engine')


class ModelBuilderProvider(ThreadPoolProvider):
    """A model builder on the singleton pool, configured with the suite's
    worker count.

    :param settings: the suite's :class:`~watcher_conformance.contract.
        Settings`.
    :param builder_class: the builder class to provide.
    :param fault_policy: what the builder does on a Nova fault.
    :param pool_class: the singleton pool class the builder runs on.
    """

    def __init__(self, settings, builder_class=builder.NovaModelBuilder,
                 fault_policy='raise',
                 pool_class=threadpool.DecisionEngineThreadPool):
        super().__init__(settings, pool_class)
        self.builder = builder_class(fault_policy=fault_policy,
                                     pool_class=pool_class)

    def get(self):
        return self.builder


class WorkflowEngineProvider(contract.Provider):
    """A workflow engine of the suite's worker count, on its database.

    :param settings: the suite's :class:`~watcher_conformance.contract.
        Settings`.
    :param engine_class: the engine class to provide.
    :param policy: what the engine does when an action fails.
    """

    def __init__(self, settings, engine_class=applier.WorkflowEngine,
                 policy='revert'):
        self.engine = engine_class(settings.max_workers, policy=policy,
                                   database_url=settings.database_url)

    def get(self):
        return self.engine

    def reset(self):
        self.engine.close()


class PrimitivesProvider(contract.Provider):
    """The reference's locks and offloading (stateless: one per test)."""

    def __init__(self, settings, primitives_class=primitives.Primitives):
        self.primitives = primitives_class()

    def get(self):
        return self.primitives

    def reset(self):
        pass


class AuditExecutorProvider(ModelBuilderProvider):
    """An audit executor of the suite's worker count, its models built by
    the reference builder on the singleton pool.

    :param settings: the suite's :class:`~watcher_conformance.contract.
        Settings`.
    :param executor_class: the audit executor class to provide.
    :param kwargs: for :class:`ModelBuilderProvider`.
    """

    def __init__(self, settings, executor_class=audits.AuditExecutor,
                 **kwargs):
        super().__init__(settings, **kwargs)
        self.executor = executor_class(self.builder, settings.max_workers)

    def get(self):
        return self.executor

    def reset(self):
        self.executor.close()
        super().reset()


class ConductorProvider(contract.Provider):
    """A conductor of the suite's worker count, database and coordination
    backend.

    :param settings: the suite's :class:`~watcher_conformance.contract.
        Settings`.
    :param conductor_class: the conductor class to provide.
    """

    def __init__(self, settings, conductor_class=conductor.Conductor):
        self.conductor = conductor_class(
            settings.max_workers, database_url=settings.database_url,
            coordination_url=settings.coordination_url,
            member=settings.member)

    def get(self):
        return self.conductor

    def reset(self):
        self.conductor.close()


IMPLEMENTATION = contract.Implementation(
    name='reference',
    version=pbr.version.VersionInfo('watcher-conformance').version_string(),
    modes={'threading', 'eventlet'},
    pieces={'threadpool': ThreadPoolProvider,
            'model_builder': ModelBuilderProvider,
            'workflow_engine': WorkflowEngineProvider,
            'primitives': PrimitivesProvider,
            'conductor': ConductorProvider,
            'audit_executor': AuditExecutorProvider},
    features=set(contract.FEATURES),
    policies={'model_builder.fault_policy': 'raise',
              'workflow.failure_policy': 'revert'},
    description='the reference implementation shipped with the suite',
)
