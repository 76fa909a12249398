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

"""Broken model builders: the reference builder with one step changed.

Most are realistic: upstream Watcher 17's builder has the defects of
SWALLOWS_NODE_ERRORS, SWALLOWS_INSTANCE_ERRORS, PLACEMENT_ERRORS_FALL_BACK,
TAKES_FIRST_PATTERN_MATCH, EMPTY_SCOPE_MEANS_WHOLE_CLOUD,
MODEL_KEPT_ON_BUILDER and PLACEMENT_NOT_FOUND_IS_A_FAULT (upstream falls
back to the hypervisor on it; the defect here is failing the build).
"""

import threading
import time

from futurist import waiters

from reference import builder
from reference import collector
from reference import executor
from reference import implementation as reference
from reference import model
from reference import threadpool
from tests import broken
from watcher_conformance import datamodel
from watcher_conformance import nova as nova_errors

Build = builder.Build


def _implementation(name, build=None, builder_class=builder.NovaModelBuilder,
                    policy='raise', declared=None, **methods):
    """The reference, its builder using a Build with *methods* replaced
    (or *build*), following *policy* and declaring *declared*."""
    build = build or type(name.title().replace('-', ''), (Build,), methods)
    builder_class = type('Broken', (builder_class,), {'build_class': build})

    def factory(settings):
        return reference.ModelBuilderProvider(
            settings, builder_class=builder_class, fault_policy=policy)
    return broken.replace_piece(
        name, 'model_builder', factory,
        {'model_builder.fault_policy': declared or policy})


def _finding(keep):
    def find_hypervisor(self, host):
        try:
            found = self.nova.get_compute_node_by_name(host, servers=True,
                                                       detailed=True)
        except nova_errors.NotFound:
            return None
        return keep(found, host)
    return find_hypervisor


# -- completeness -----------------------------------------------------------

TAKES_FIRST_PATTERN_MATCH = _implementation(
    'takes-first-pattern-match',
    find_hypervisor=_finding(lambda found, host: (
        None if found[0].hypervisor_type == 'ironic' else found[0])))
KEEPS_IRONIC_NODES = _implementation(
    'keeps-ironic-nodes',
    find_hypervisor=_finding(lambda found, host: next(
        (h for h in found if h.service_host == host), None)),
    listed_hosts=lambda self, hypervisors: {h.service_host
                                            for h in hypervisors})


def _skip_empty(self, host):
    node = Build.fetch_node(self, host)
    if node is None:
        return None
    servers = self.nova.get_instance_list(filters={'host': host}, limit=1)
    return node if servers else None


SKIPS_EMPTY_NODES = _implementation('skips-empty-nodes',
                                    fetch_node=_skip_empty)
KEEPS_DELETED_INSTANCES = _implementation(
    'keeps-deleted-instances',
    fetch_instances=lambda self, node: [builder.instance_from(s) for s in
                                        self.nova.get_instance_list(
                                            filters={'host': node.hostname},
                                            limit=-1)])
ONE_PAGE_OF_INSTANCES = _implementation(
    'one-page-of-instances',
    fetch_instances=lambda self, node: [
        builder.instance_from(s) for s in self.nova.get_instance_list(
            filters={'host': node.hostname}, limit=1000)
        if s.vm_state != 'deleted'])


class RacyModel(model.ModelRoot):
    """Copies, changes and puts back its tables without a lock: inserts
    running at once lose each other's instances."""

    def add_instances(self, node, instances):
        for instance in instances:
            table = dict(self._instances)
            time.sleep(0.001)  # a log call, a DB write: anything that yields
            table[instance.uuid] = instance
            self._instances = table
            mapping = dict(self._node_of)
            mapping[instance.uuid] = node.uuid
            self._node_of = mapping


class WorkerInserts(Build):
    """Inserts each node's instances from the worker that fetched them."""

    def __init__(self, *args):
        super().__init__(*args)
        self.model = RacyModel()

    def fetch_instances(self, node):
        self.model.add_instances(node, Build.fetch_instances(self, node))
        return []

    def on_instances(self, future):
        future.result()


LOSES_CONCURRENT_INSERTS = _implementation('loses-concurrent-inserts',
                                           build=WorkerInserts)


class LastNodeWins(Build):
    """Instances go to the node whose callback ran last."""

    def on_node(self, future):
        Build.on_node(self, future)
        node = future.result()
        if node is not None:
            self.current = node

    def on_instances(self, future):
        self.model.add_instances(self.current, future.result())


MAPS_TO_LAST_NODE = _implementation('maps-to-last-node', build=LastNodeWins)


def _hypervisor_capacities(self, hypervisor):
    self.placement.get_inventories(hypervisor.uuid)
    return builder.node_from(hypervisor, None)


IGNORES_PLACEMENT = _implementation('ignores-placement',
                                    node_of=_hypervisor_capacities)


def _instance_counting_root(server):
    instance = builder.instance_from(server)
    if server.image is None:
        instance.disk += server.flavor['disk']
    return instance


COUNTS_VOLUME_ROOT_DISK = _implementation(
    'counts-volume-root-disk',
    fetch_instances=lambda self, node: [
        _instance_counting_root(s) for s in self.nova.get_instance_list(
            filters={'host': node.hostname}, limit=-1)
        if s.vm_state != 'deleted'])


class AnswersInAskingOrder(Build):
    """Takes each compute node answer for the next host it asked for, as if
    Nova answered in the order asked."""

    def run(self):
        self.waiting = sorted(self.hosts())
        for host in self.waiting:
            self.node_futures[self.pool.submit(self.fetch_node, host)] = host
        self.drain(self.node_futures, self.on_node, 'compute nodes')
        self.drain(self.instance_futures, self.on_instances, 'instances')
        return self.model

    def on_node(self, future):
        host = self.waiting.pop(0)  # "the answers come in order"
        node = future.result()
        if node is not None:
            self.model.add_node(node)
            self.instance_futures[self.pool.submit(
                self.servers_of, host)] = node

    def servers_of(self, host):
        return [builder.instance_from(s) for s in self.nova.get_instance_list(
            filters={'host': host}, limit=-1) if s.vm_state != 'deleted']


ANSWERS_TAKEN_IN_ASKING_ORDER = _implementation(
    'answers-taken-in-asking-order', build=AnswersInAskingOrder)


class EagerServers(Build):
    """Asks for each host's servers with its compute node; files the
    servers under the node once they arrive, and drops those that arrive
    before their node."""

    def run(self):
        hosts = sorted(self.hosts())
        self.servers_host = {}
        for host in hosts:
            self.node_futures[self.pool.submit(self.fetch_node, host)] = host
            future = self.pool.submit(self.servers_of, host)
            self.servers_host[future] = host
        both = dict(self.node_futures, **{f: None for f in self.servers_host})
        self.drain(both, self.on_answer, 'compute nodes and servers')
        return self.model

    def servers_of(self, host):
        return [builder.instance_from(s) for s in self.nova.get_instance_list(
            filters={'host': host}, limit=-1) if s.vm_state != 'deleted']

    def on_answer(self, future):
        if future in self.node_futures:
            try:
                node = future.result()
            except Exception as exc:
                return self.fault('compute node %s'
                                  % self.node_futures[future], exc)
            if node is not None:
                self.model.add_node(node)
            return
        host = self.servers_host[future]
        try:
            node = self.model.get_node_by_name(host)
        except model.NotFound:
            return  # its node is not there (yet): nothing to file them under
        self.model.add_instances(node, future.result())


DROPS_SERVERS_BEFORE_NODE = _implementation('drops-servers-before-node',
                                            build=EagerServers)


def _hosts_or_fail(self):
    hosts = Build.hosts(self)
    if not hosts:
        self.fault('the hosts', nova_errors.NovaError('Nova lists no host'))
    return hosts


EMPTY_ANSWER_IS_A_FAULT = _implementation('empty-answer-is-a-fault',
                                          hosts=_hosts_or_fail)

# -- scopes -----------------------------------------------------------------


def _aggregates_matching(keep):
    def aggregate_hosts(self, aggregates):
        every = datamodel.ALL in self.scope.aggregates
        return {h for agg in aggregates
                if keep(agg, self.scope.aggregates, every) for h in agg.hosts}
    return aggregate_hosts


AGGREGATES_BY_NAME_ONLY = _implementation(
    'aggregates-by-name-only', aggregate_hosts=_aggregates_matching(
        lambda agg, wanted, every: every or agg.name in wanted))
AGGREGATES_BY_ID_ONLY = _implementation(
    'aggregates-by-id-only', aggregate_hosts=_aggregates_matching(
        lambda agg, wanted, every: every or agg.id in wanted))


def _zones_of_aggregates(self, services):
    aggregates = self.nova.get_aggregate_list()
    every = datamodel.ALL in self.scope.zones
    return {h for agg in aggregates
            if every or agg.availability_zone in self.scope.zones
            for h in agg.hosts}


ZONES_FROM_AGGREGATES = _implementation('zones-from-aggregates',
                                        zone_hosts=_zones_of_aggregates)


def _hosts_in_both(self):
    if not (self.scope.aggregates and self.scope.zones):
        return Build.hosts(self)
    aggregates = self.aggregate_hosts(self.nova.get_aggregate_list())
    return aggregates & self.zone_hosts(self.nova.get_service_list())


INTERSECTS_AGGREGATES_AND_ZONES = _implementation(
    'intersects-aggregates-and-zones', hosts=_hosts_in_both)


def _star_is_whole_cloud(self):
    if datamodel.ALL in self.scope.aggregates:
        return self.listed_hosts(self.nova.get_compute_node_list())
    return Build.hosts(self)


EVERY_AGGREGATE_IS_WHOLE_CLOUD = _implementation(
    'every-aggregate-is-whole-cloud', hosts=_star_is_whole_cloud)


def _fall_back_to_whole_cloud(self):
    return (Build.hosts(self)
            or self.listed_hosts(self.nova.get_compute_node_list()))


EMPTY_SCOPE_MEANS_WHOLE_CLOUD = _implementation(
    'empty-scope-means-whole-cloud', hosts=_fall_back_to_whole_cloud)


def _not_found_is_a_fault(self, host):
    found = [h for h in self.nova.get_compute_node_by_name(
        host, servers=True, detailed=True) if h.service_host == host]
    if not found or found[0].hypervisor_type == 'ironic':
        return None
    return found[0]


NOT_FOUND_IS_A_FAULT = _implementation('not-found-is-a-fault',
                                       find_hypervisor=_not_found_is_a_fault)


def _placement_not_found_fails(self, hypervisor):
    return builder.node_from(hypervisor, self.placement.get_inventories(
        hypervisor.uuid))


PLACEMENT_NOT_FOUND_IS_A_FAULT = _implementation(
    'placement-not-found-is-a-fault', node_of=_placement_not_found_fails)


def _listed_hosts_with_a_name(self, hypervisors):
    return {h.service_host for h in hypervisors
            if h.hypervisor_type != 'ironic' and h.service_host}


SKIPS_NAMELESS_LISTED_NODES = _implementation(
    'skips-nameless-listed-nodes', listed_hosts=_listed_hosts_with_a_name)

# -- parallelism ------------------------------------------------------------


class OneNodeAtATime(Build):
    def run(self):
        for host in sorted(self.hosts()):
            future = self.pool.submit(self.fetch_node, host)
            self.node_futures[future] = host
            waiters.wait_for_all([future])
            self.on_node(future)
        self.drain(self.instance_futures, self.on_instances, 'instances')
        return self.model


FETCHES_ONE_NODE_AT_A_TIME = _implementation('fetches-one-node-at-a-time',
                                             build=OneNodeAtATime)


class WidePool(threadpool.DecisionEngineThreadPool):
    """Not the decision engine's pool: a private one of 64 workers."""

    def __init__(self):
        super().__init__()
        self._executor = executor.make(64)


class OwnWidePool(Build):
    def __init__(self, pool, *args):
        super().__init__(WidePool.__new__(WidePool), *args)
        WidePool.__init__(self.pool)


IGNORES_WORKER_COUNT = _implementation('ignores-worker-count',
                                       build=OwnWidePool)


class BarrierBetweenSteps(Build):
    def run(self):
        for host in sorted(self.hosts()):
            self.node_futures[self.pool.submit(self.fetch_node, host)] = host
        waiters.wait_for_all(list(self.node_futures))  # the barrier
        self.drain(self.node_futures, self.on_node, 'compute nodes')
        self.drain(self.instance_futures, self.on_instances, 'instances')
        return self.model


BARRIER_BETWEEN_STEPS = _implementation('barrier-between-steps',
                                        build=BarrierBetweenSteps)


class PoolPerBuild(Build):
    """Each build makes its own pool of max_general_workers: the bound
    holds for one build, not for the builds running at once."""

    def __init__(self, pool, *args):
        own = threadpool.DecisionEngineThreadPool.__new__(
            threadpool.DecisionEngineThreadPool)
        threadpool.DecisionEngineThreadPool.__init__(own)
        super().__init__(own, *args)

    def run(self):
        try:
            return Build.run(self)
        finally:
            self.pool.shutdown(wait=False)


POOL_PER_BUILD = _implementation('pool-per-build', build=PoolPerBuild)


def _one_list_after_the_other(self):
    if self.scope.whole_cloud:
        return Build.hosts(self)
    hosts = set()
    if self.scope.aggregates:
        hosts |= self.aggregate_hosts(self.nova.get_aggregate_list())
    if self.scope.zones:
        hosts |= self.zone_hosts(self.nova.get_service_list())
    return hosts


LISTS_SCOPE_SERIALLY = _implementation('lists-scope-serially',
                                       hosts=_one_list_after_the_other)

# -- faults -----------------------------------------------------------------


class SwallowsNodeErrors(Build):
    def on_node(self, future):
        if future.exception() is None:
            Build.on_node(self, future)


class SwallowsInstanceErrors(Build):
    def on_instances(self, future):
        if future.exception() is None:
            Build.on_instances(self, future)


SWALLOWS_NODE_ERRORS = _implementation('swallows-node-errors',
                                       build=SwallowsNodeErrors)
SWALLOWS_INSTANCE_ERRORS = _implementation('swallows-instance-errors',
                                           build=SwallowsInstanceErrors)


def _hosts_swallowing(self):
    try:
        return Build.hosts(self)
    except builder.BuildError:
        return set()


SWALLOWS_LISTING_ERRORS = _implementation('swallows-listing-errors',
                                          hosts=_hosts_swallowing)


def _placement_or_none(self, hypervisor):
    try:
        inventories = self.placement.get_inventories(hypervisor.uuid)
    except nova_errors.NovaError:
        inventories = None  # upstream: "return None on SDKException"
    return builder.node_from(hypervisor, inventories)


PLACEMENT_ERRORS_FALL_BACK = _implementation(
    'placement-errors-fall-back', node_of=_placement_or_none)


def _timeout_is_gone(self, host):
    try:
        return Build.fetch_node(self, host)
    except nova_errors.Timeout:
        return None  # "it did not answer: it must be gone"


TIMEOUT_MEANS_GONE = _implementation('timeout-means-gone',
                                     fetch_node=_timeout_is_gone)


def _drain_forever(self, futures, callback, what):
    self.pool.do_while_futures(futures, callback)


def _drain_forgetting(self, futures, callback, what):
    self.pool.do_while_futures(futures, callback,
                               futures_timeout=self.timeout)


def _drain_impatient(self, futures, callback, what):
    Build.drain(self, futures, callback, what) if self.timeout < 0.05 else (
        _drain_with(self, futures, callback, what, 0.05))


def _drain_with(self, futures, callback, what, timeout):
    self.timeout, wanted = timeout, self.timeout
    try:
        Build.drain(self, futures, callback, what)
    finally:
        self.timeout = wanted


def _hosts_patiently(self):
    wanted, self.timeout = self.timeout, None  # "listings are quick"
    try:
        return Build.hosts(self)
    finally:
        self.timeout = wanted


class DeadlinePerBuild(Build):
    """The timeout bounds the whole build, not each answer."""

    def run(self):
        self.deadline = time.monotonic() + self.timeout
        return Build.run(self)

    def drain(self, futures, callback, what):
        left = self.pool.do_while_futures(
            futures, callback,
            futures_timeout=max(self.deadline - time.monotonic(), 0.001))
        if left:
            self.fault(what, nova_errors.Timeout(
                'timeout: the build took more than %s s' % self.timeout))


def _drain_vaguely(self, futures, callback, what):
    left = self.pool.do_while_futures(futures, callback,
                                      futures_timeout=self.timeout)
    if left:
        self.fault(what, nova_errors.Timeout(
            'no answer from Nova within %s s for %d call(s)'
            % (self.timeout, len(left))))


WAITS_FOREVER = _implementation('waits-forever', drain=_drain_forever)
WAITS_FOREVER_FOR_LISTINGS = _implementation('waits-forever-for-listings',
                                             hosts=_hosts_patiently)
TIMEOUT_PER_BUILD = _implementation('timeout-per-build',
                                    build=DeadlinePerBuild)
TIMEOUT_NAMES_NO_CALL = _implementation('timeout-names-no-call',
                                        drain=_drain_vaguely)
FORGETS_UNFINISHED_CALLS = _implementation('forgets-unfinished-calls',
                                           drain=_drain_forgetting)
FIXED_SHORT_TIMEOUT = _implementation('fixed-short-timeout',
                                      drain=_drain_impatient)


def _trusting_node(hypervisor, inventories):
    inventories = inventories or {}

    def pick(rc, fallback):
        inv = inventories.get(rc)
        return ((getattr(hypervisor, fallback), 0, 1.0) if inv is None
                else (inv.total, inv.reserved, inv.allocation_ratio))
    return model.ComputeNode(
        hypervisor.uuid, hypervisor.service_host, hypervisor.state,
        hypervisor.status, hypervisor.service_disabled_reason,
        *pick('VCPU', 'vcpus'), *pick('MEMORY_MB', 'memory_mb'),
        *pick('DISK_GB', 'local_gb'))


def _node_trusting(self, hypervisor):
    return _trusting_node(hypervisor, self.placement.get_inventories(
        hypervisor.uuid))


TRUSTS_NODE_RECORDS = _implementation('trusts-node-records',
                                      node_of=_node_trusting)


def _trusting_instance(server):
    flavor = server.flavor
    root = 0 if server.image is None else flavor.get('disk', 0)
    return model.Instance(
        server.uuid, server.name, server.vm_state, flavor.get('ram', 0),
        flavor.get('vcpus', 0), root + flavor.get('ephemeral', 0)
        + -(-flavor.get('swap', 0) // 1024), server.tenant_id, server.locked,
        server.host, server.hypervisor_hostname, server.metadata)


TRUSTS_SERVER_RECORDS = _implementation(
    'trusts-server-records',
    fetch_instances=lambda self, node: [
        _trusting_instance(s) for s in self.nova.get_instance_list(
            filters={'host': node.hostname}, limit=-1)
        if s.vm_state != 'deleted'])
SKIPS_AGGREGATES_WITHOUT_HOSTS = _implementation(
    'skips-aggregates-without-hosts',
    aggregate_hosts=_aggregates_matching(
        lambda agg, wanted, every: agg.hosts is not None and (
            every or agg.id in wanted or agg.name in wanted)))


def _vague_fault(self, what, exc):
    raise builder.BuildError('the compute model could not be built') from None


SAYS_NOTHING_USEFUL = _implementation('says-nothing-useful',
                                      fault=_vague_fault)


class StaysBroken(builder.NovaModelBuilder):
    """Once a build failed, every later build fails the same way."""

    def build(self, *args, **kwargs):
        if getattr(self, 'failure', None):
            raise self.failure
        try:
            return super().build(*args, **kwargs)
        except builder.BuildError as exc:
            self.failure = exc
            raise


STAYS_BROKEN_AFTER_A_FAULT = _implementation('stays-broken-after-a-fault',
                                             build=Build,
                                             builder_class=StaysBroken)
WIDENS_SCOPE_WHEN_MARKING = _implementation(
    'widens-scope-when-marking', policy='mark_incomplete',
    hosts=_fall_back_to_whole_cloud)


class DropsAllWhenMarking(Build):
    """On a fault, an empty model marked incomplete: nothing of what was
    fetched."""

    def fault(self, what, exc):
        if self.policy == 'raise':
            return Build.fault(self, what, exc)
        self.failed = True
        Build.fault(self, what, exc)

    def run(self):
        built = Build.run(self)
        if getattr(self, 'failed', False):
            empty = model.ModelRoot()
            for problem in built.problems:
                empty.mark_incomplete(problem)
            return empty
        return built


DROPS_ALL_WHEN_MARKING = _implementation(
    'drops-all-when-marking', build=DropsAllWhenMarking,
    policy='mark_incomplete')
RAISES_THOUGH_IT_MARKS = _implementation(
    'raises-though-it-marks', policy='raise', declared='mark_incomplete')
MARKS_THOUGH_IT_RAISES = _implementation(
    'marks-though-it-raises', policy='mark_incomplete', declared='raise')

# -- sharing ----------------------------------------------------------------


class ModelOnBuilder(builder.NovaModelBuilder):
    """Keeps one model for all its builds (upstream:
    ``self.model = self.model or ModelRoot()``)."""

    def build(self, nova, placement, scope=datamodel.Scope(),
              timeout=builder.DEFAULT_TIMEOUT):
        run = self.build_class(self.pool_class(), nova, placement, scope,
                               timeout, self.fault_policy)
        with threading.Lock():
            self.__dict__.setdefault('model', run.model)
        run.model = self.model
        return run.run()


MODEL_KEPT_ON_BUILDER = _implementation('model-kept-on-builder',
                                        build=Build,
                                        builder_class=ModelOnBuilder)


class NodeCachingBuilder(builder.NovaModelBuilder):
    """Keeps the compute nodes it fetched, by host name, for its next
    builds: fewer calls to Nova."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes_by_host = {}

    def build(self, nova, placement, scope=datamodel.Scope(),
              timeout=builder.DEFAULT_TIMEOUT):
        run = self.build_class(self.pool_class(), nova, placement, scope,
                               timeout, self.fault_policy)
        run.nodes_by_host = self.nodes_by_host
        return run.run()


class CachedNodes(Build):
    def find_hypervisor(self, host):
        if host not in self.nodes_by_host:
            self.nodes_by_host[host] = Build.find_hypervisor(self, host)
        return self.nodes_by_host[host]


CACHES_NODES_BY_HOST_NAME = _implementation(
    'caches-nodes-by-host-name', build=CachedNodes,
    builder_class=NodeCachingBuilder)


class UnlockedCollector(collector.Collector):
    def get_latest_cluster_data_model(self):
        if self._model is None:
            self._model = self._build()
        return self._model.copy()


class OutcomeKeepingCollector(collector.Collector):
    """Builds once, and keeps the outcome: a failed first build's error is
    what every later caller gets."""

    def __init__(self, *args):
        super().__init__(*args)
        self._outcome = None

    def get_latest_cluster_data_model(self):
        with self._lock:
            if self._outcome is None:
                try:
                    self._outcome = (self._build(), None)
                except Exception as exc:
                    self._outcome = (None, exc)
            built, error = self._outcome
        if error is not None:
            raise error
        return built.copy()


class EarlyCollector(collector.Collector):
    """Publishes the model before its build has finished."""

    def __init__(self, builder_, nova, placement, scope, timeout):
        super().__init__(builder_, nova, placement, scope, timeout)
        self._run = builder_.build_class(builder_.pool_class(), nova,
                                         placement, scope, timeout,
                                         builder_.fault_policy)

    def get_latest_cluster_data_model(self):
        if self._model is None:
            self._model = self._run.model
            self._run.run()
        return self._model.copy()


def _with_collector(collector_class):
    class Builder(builder.NovaModelBuilder):
        def collector(self, nova, placement, scope=datamodel.Scope(),
                      timeout=builder.DEFAULT_TIMEOUT):
            return collector_class(self, nova, placement, scope, timeout)
    return Builder


BUILDS_ONCE_PER_READER = _implementation(
    'builds-once-per-reader', build=Build,
    builder_class=_with_collector(UnlockedCollector))
PUBLISHES_MODEL_EARLY = _implementation(
    'publishes-model-early', build=Build,
    builder_class=_with_collector(EarlyCollector))
KEEPS_FAILED_FIRST_BUILD = _implementation(
    'keeps-failed-first-build', build=Build,
    builder_class=_with_collector(OutcomeKeepingCollector))

#: The reference following the other fault policy: it must pass everything.
MARKING_REFERENCE = _implementation('marking-reference', build=Build,
                                    policy='mark_incomplete')


_case = broken.case_maker(__name__)


CASES = [
    _case('TAKES_FIRST_PATTERN_MATCH', "takes Nova's first pattern match "
          '(node-10 for node-1)', 'test_host_name_prefixes_not_confused'),
    _case('KEEPS_IRONIC_NODES', 'ironic nodes are modelled',
          'test_ironic_nodes_left_out'),
    _case('SKIPS_EMPTY_NODES', 'nodes without instances are left out',
          'test_every_compute_node_exactly_once'),
    _case('KEEPS_DELETED_INSTANCES', 'deleted instances are modelled',
          'test_deleted_instances_left_out'),
    _case('ONE_PAGE_OF_INSTANCES', 'asks for 1000 instances a node',
          'test_node_over_1000_instances_complete'),
    _case('LOSES_CONCURRENT_INSERTS', 'workers insert into an unlocked '
          'model', 'test_every_live_instance_exactly_once'),
    _case('MAPS_TO_LAST_NODE', 'instances go to the last node called back',
          'test_instances_mapped_to_their_node'),
    _case('IGNORES_PLACEMENT', "capacities are the hypervisor's",
          'test_node_attributes'),
    _case('COUNTS_VOLUME_ROOT_DISK', 'volume-backed instances count their '
          'root disk', 'test_instance_attributes'),
    _case('ANSWERS_TAKEN_IN_ASKING_ORDER', 'each node answer taken for '
          'the next host asked', 'test_answers_in_any_order'),
    _case('DROPS_SERVERS_BEFORE_NODE', 'servers answered before their node '
          'are dropped', 'test_answers_in_any_order'),
    _case('EMPTY_ANSWER_IS_A_FAULT', 'no host at all is taken for a '
          'failure', 'test_empty_cloud_gives_empty_model',
          'test_scope_selecting_nothing_models_nothing'),
    _case('AGGREGATES_BY_NAME_ONLY', 'aggregate ids are not matched',
          'test_aggregates_by_id'),
    _case('AGGREGATES_BY_ID_ONLY', 'aggregate names are not matched',
          'test_aggregates_by_name'),
    _case('ZONES_FROM_AGGREGATES', "zones are read from aggregates' "
          'metadata', 'test_zones_by_name'),
    _case('INTERSECTS_AGGREGATES_AND_ZONES', 'hosts must be in both',
          'test_aggregates_and_zones_together'),
    _case('EVERY_AGGREGATE_IS_WHOLE_CLOUD', "'*' aggregates widened to the "
          'whole cloud', 'test_every_aggregate'),
    _case('EMPTY_SCOPE_MEANS_WHOLE_CLOUD', 'a scope selecting nothing is '
          'widened to the whole cloud',
          'test_scope_selecting_nothing_models_nothing'),
    _case('NOT_FOUND_IS_A_FAULT', 'a node Nova does not know fails the '
          'build', 'test_stale_hosts_left_out', 'test_vanished_node_left_out'),
    _case('PLACEMENT_NOT_FOUND_IS_A_FAULT', 'a node deleted before '
          'Placement answers fails the build',
          'test_node_vanishing_mid_build'),
    _case('SKIPS_NAMELESS_LISTED_NODES', 'a listed node without a host name '
          'is skipped silently', 'test_malformed_scope_reported'),
    _case('FETCHES_ONE_NODE_AT_A_TIME', 'one node fetch at a time',
          'test_calls_in_flight_reach_worker_count'),
    _case('IGNORES_WORKER_COUNT', 'a private pool of 64 workers',
          'test_calls_in_flight_never_exceed_worker_count'),
    _case('POOL_PER_BUILD', 'each build has its own pool of W workers',
          'test_builds_share_the_worker_bound'),
    _case('BARRIER_BETWEEN_STEPS', 'waits for every node before any '
          'instance', 'test_instances_fetched_before_last_node_arrives'),
    _case('LISTS_SCOPE_SERIALLY', 'aggregates, then zones',
          'test_aggregates_and_zones_fetched_in_parallel'),
    _case('SWALLOWS_NODE_ERRORS', 'a failed node is dropped silently',
          'test_node_fetch_error_reported', 'test_malformed_node_reported'),
    _case('SWALLOWS_INSTANCE_ERRORS', "a node's failed instances are "
          'dropped silently', 'test_instance_list_error_reported',
          'test_malformed_server_reported', 'test_timeout_reported'),
    _case('SWALLOWS_LISTING_ERRORS', 'a failed aggregate or service list '
          'selects nothing', 'test_aggregate_list_error_reported',
          'test_service_list_error_reported',
          'test_compute_node_list_error_reported',
          'test_malformed_scope_reported'),
    _case('PLACEMENT_ERRORS_FALL_BACK', 'a Placement error falls back to '
          "the hypervisor's capacities", 'test_placement_error_reported'),
    _case('TIMEOUT_MEANS_GONE', 'a node fetch that times out is taken for '
          'a vanished node', 'test_timeout_reported'),
    _case('WAITS_FOREVER', 'no timeout on Nova', 'test_hung_call_reported'),
    _case('WAITS_FOREVER_FOR_LISTINGS', 'no timeout on the aggregate, '
          'service and compute node lists', 'test_hung_call_reported'),
    _case('TIMEOUT_PER_BUILD', 'the timeout bounds the whole build',
          'test_slow_nova_is_no_fault'),
    _case('TIMEOUT_NAMES_NO_CALL', 'giving up names neither the call nor '
          'the host', 'test_failure_names_the_call'),
    _case('FORGETS_UNFINISHED_CALLS', 'calls unanswered at the timeout are '
          'forgotten', 'test_hung_call_reported'),
    _case('FIXED_SHORT_TIMEOUT', 'gives up on Nova after 50 ms, whatever '
          'the timeout', 'test_slow_nova_is_no_fault'),
    _case('TRUSTS_NODE_RECORDS', 'compute nodes are not validated',
          'test_malformed_node_reported'),
    _case('TRUSTS_SERVER_RECORDS', 'servers are not validated',
          'test_malformed_server_reported'),
    _case('SKIPS_AGGREGATES_WITHOUT_HOSTS', 'an aggregate without hosts is '
          'skipped', 'test_malformed_scope_reported'),
    _case('SAYS_NOTHING_USEFUL', 'the error names no call and keeps no '
          'cause', 'test_failure_names_the_call'),
    _case('STAYS_BROKEN_AFTER_A_FAULT', 'one failure fails every later '
          'build', 'test_builder_recovers_after_fault'),
    _case('WIDENS_SCOPE_WHEN_MARKING', 'marks incomplete and models the '
          'whole cloud when a listing fails',
          'test_incomplete_model_holds_only_truth'),
    _case('DROPS_ALL_WHEN_MARKING', 'marks incomplete and keeps nothing',
          'test_incomplete_model_keeps_untouched_hosts'),
    _case('RAISES_THOUGH_IT_MARKS', 'declares mark_incomplete, raises',
          'test_node_fetch_error_reported'),
    _case('MARKS_THOUGH_IT_RAISES', 'declares raise, marks incomplete',
          'test_instance_list_error_reported'),
    _case('MODEL_KEPT_ON_BUILDER', 'all builds add to one model',
          'test_concurrent_builds_keep_their_scopes'),
    _case('CACHES_NODES_BY_HOST_NAME', 'compute nodes kept by host name '
          'for later builds', 'test_concurrent_builds_keep_their_scopes'),
    _case('BUILDS_ONCE_PER_READER', 'the shared model is built without a '
          'lock', 'test_concurrent_first_access_builds_once'),
    _case('PUBLISHES_MODEL_EARLY', 'readers get the model while it is '
          'built', 'test_concurrent_first_readers_get_complete_model'),
    _case('KEEPS_FAILED_FIRST_BUILD', "a failed first build's error is "
          'kept for every later reader',
          'test_failed_first_access_keeps_no_model'),
]
