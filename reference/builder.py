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

"""The Nova compute data-model builder, upstream ``NovaModelBuilder``'s
three parallel steps without their gaps.

1. The hosts of the scope: host aggregates and availability zones fetched
   in parallel (or the compute node list, for the whole cloud).
2. Each host's compute node (and its Placement inventory), in parallel.
3. Each node's instances, submitted from the ``do_while_futures`` callback
   the moment its node arrives: no barrier between steps 2 and 3.

Every element is built and validated in the worker that fetched it; the
model is only changed from callbacks, in the calling thread, so a build
needs no lock and two builds share nothing.

What differs from upstream, each a promise the suite checks:

* a scope that selects nothing models nothing (upstream models the whole
  cloud);
* a failed, timed-out or malformed answer raises :class:`BuildError` (or,
  with ``fault_policy='mark_incomplete'``, marks the model incomplete),
  naming the call, its host and the kind of fault; upstream logs it and
  returns the model without that part;
* a node Placement has no resource provider for (NotFound) is gone, like
  a node Nova no longer knows; upstream takes the hypervisor's
  capacities;
* a host is matched exactly: Nova's hostname pattern ``node-1`` also
  matches ``node-10``, and upstream takes whichever comes first;
* ironic nodes, deleted instances and vanished nodes are left out;
* Placement is asked from the workers, not the calling thread.
"""

import re

from reference import collector
from reference import executor
from reference import model as model_
from reference import threadpool
from watcher_conformance import datamodel
from watcher_conformance import nova as nova_errors

#: Seconds without any answer from Nova after which a build gives up
#: (upstream: [collector] compute_resources_collector_timeout).
DEFAULT_TIMEOUT = 600.0
POLICIES = ('raise', 'mark_incomplete')
_UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                   r'[0-9a-f]{12}\Z')
_RESOURCES = (('VCPU', 'vcpus'), ('MEMORY_MB', 'memory_mb'),
              ('DISK_GB', 'local_gb'))


class BuildError(Exception):
    """Nova or Placement failed the build; the message says where."""


class MalformedRecord(ValueError):
    """Nova or Placement answered with a record that makes no sense."""


def _uuid(value, what):
    if not isinstance(value, str) or not _UUID.match(value):
        raise MalformedRecord('%s: %r is not a uuid' % (what, value))
    return value


def _from(call, host=None):
    """How a malformed record's message begins: the call that returned
    it."""
    return 'malformed record from %s(%s)' % (call, host or '')


def _count(value, what):
    if type(value) is not int or value < 0:
        raise MalformedRecord('%s: %r is not a count' % (what, value))
    return value


def _ratio(value, what):
    if type(value) not in (int, float) or value <= 0:
        raise MalformedRecord('%s: %r is not a ratio' % (what, value))
    return float(value)


def node_from(hypervisor, inventories):
    """A :class:`~reference.model.ComputeNode` of a Nova hypervisor and its
    Placement inventories (a resource class they lack, or all of them when
    they are None or empty, falls back to the hypervisor's value, with no
    reserve and a ratio of 1)."""
    host = hypervisor.service_host
    what = '%s: compute node %s' % (_from('get_compute_node_by_name', host),
                                    host)
    placed = '%s: inventory' % _from('get_inventories', host)
    resources = []
    for rc, fallback in _RESOURCES:
        inventory = (inventories or {}).get(rc)
        if inventory is None:
            resources += [_count(getattr(hypervisor, fallback),
                                 '%s %s' % (what, fallback)), 0, 1.0]
        else:
            resources += [_count(inventory.total,
                                 '%s %s total' % (placed, rc)),
                          _count(inventory.reserved,
                                 '%s %s reserved' % (placed, rc)),
                          _ratio(inventory.allocation_ratio,
                                 '%s %s allocation_ratio' % (placed, rc))]
    vcpus, vcpu_reserved, vcpu_ratio, memory, memory_reserved, \
        memory_ratio, disk, disk_reserved, disk_ratio = resources
    return model_.ComputeNode(
        _uuid(hypervisor.uuid, what + ' uuid'), hypervisor.service_host,
        hypervisor.state, hypervisor.status,
        hypervisor.service_disabled_reason, vcpus, vcpu_reserved, vcpu_ratio,
        memory, memory_reserved, memory_ratio, disk, disk_reserved,
        disk_ratio)


def instance_from(server):
    """A :class:`~reference.model.Instance` of a Nova server."""
    flavor, uuid = server.flavor, server.uuid
    try:
        counts = (flavor['ram'], flavor['vcpus'],
                  0 if server.image is None else flavor['disk'],
                  flavor['ephemeral'], flavor['swap'])
    except (KeyError, TypeError) as exc:
        raise MalformedRecord('instance %s: its flavor lacks %s'
                              % (uuid, exc)) from None
    ram, vcpus, root, ephemeral, swap = counts
    # One cheap test on the common path; the message only when it fails.
    if not (type(ram) is type(vcpus) is type(root) is type(ephemeral)
            is type(swap) is int and min(counts) >= 0):
        raise MalformedRecord('instance %s: flavor %r has a value that is '
                              'not a count' % (uuid, dict(flavor)))
    if type(uuid) is not str or not _UUID.match(uuid):
        raise MalformedRecord('instance uuid %r is not a uuid' % (uuid,))
    return model_.Instance(
        uuid, server.name, server.vm_state, ram, vcpus,
        root + ephemeral + -(-swap // 1024), server.tenant_id, server.locked,
        server.host, server.hypervisor_hostname, server.metadata)


class Build:
    """One build: its own model and bookkeeping, so that builds running at
    the same time share nothing. Each step is a method, so that a variant
    overrides only the step it changes."""

    def __init__(self, pool, nova, placement, scope, timeout, policy):
        self.pool, self.nova, self.placement = pool, nova, placement
        self.scope, self.timeout, self.policy = scope, timeout, policy
        self.model = model_.ModelRoot()
        self.node_futures = {}
        self.instance_futures = {}
        #: The listing calls' futures, each with the call's name.
        self.listings = {}
        #: (step, host) -> the call a worker is making for it now: what a
        #: timeout names.
        self.asking = {}

    def run(self):
        hosts = self.hosts()
        for host in sorted(hosts):
            self.node_futures[self.pool.submit(self.fetch_node, host)] = host
        self.drain(self.node_futures, self.on_node, 'compute nodes')
        self.drain(self.instance_futures, self.on_instances, 'instances')
        return self.model

    # -- step 1 -----------------------------------------------------------

    def hosts(self):
        if self.scope.whole_cloud:
            lists = [(self.nova.get_compute_node_list, self.listed_hosts)]
        else:
            lists = []
            if self.scope.aggregates:
                lists.append((self.nova.get_aggregate_list,
                              self.aggregate_hosts))
            if self.scope.zones:
                lists.append((self.nova.get_service_list, self.zone_hosts))
        steps = {}
        for call, parse in lists:
            future = self.pool.submit(call)
            steps[future] = parse
            self.listings[future] = getattr(call, '__name__', str(call))
        hosts = set()

        def on_list(future):
            try:
                hosts.update(steps[future](future.result()))
            except Exception as exc:
                self.fault('%s() (the hosts of %s)'
                           % (self.listings[future], self.scope), exc)
        self.drain(steps, on_list, 'the hosts of %s' % self.scope)
        return hosts

    def listed_hosts(self, hypervisors):
        hosts = set()
        for h in hypervisors:
            if h.hypervisor_type == 'ironic':
                continue
            if not isinstance(h.service_host, str) or not h.service_host:
                raise MalformedRecord('%s: compute node %s has service_host '
                                      '%r' % (_from('get_compute_node_list'),
                                              h.uuid, h.service_host))
            hosts.add(h.service_host)
        return hosts

    def aggregate_hosts(self, aggregates):
        every = datamodel.ALL in self.scope.aggregates
        hosts = set()
        for agg in aggregates:
            if (every or agg.id in self.scope.aggregates
                    or agg.name in self.scope.aggregates):
                if agg.hosts is None or isinstance(agg.hosts, str):
                    raise MalformedRecord('%s: aggregate %s has hosts %r'
                                          % (_from('get_aggregate_list'),
                                             agg.name, agg.hosts))
                hosts.update(agg.hosts)
        return hosts

    def zone_hosts(self, services):
        every = datamodel.ALL in self.scope.zones
        hosts = set()
        for service in services:
            if every or service.zone in self.scope.zones:
                if not isinstance(service.host, str):
                    raise MalformedRecord('%s: service %s has host %r'
                                          % (_from('get_service_list'),
                                             service.uuid, service.host))
                hosts.add(service.host)
        return hosts

    # -- step 2 (in a worker, then the callback here) ----------------------

    def fetch_node(self, host):
        """The node of *host*, or None when it is not a (non-ironic)
        compute node Nova knows."""
        hypervisor = self.find_hypervisor(host)
        if hypervisor is None:
            return None
        return self.node_of(hypervisor)

    def ask(self, step, host, call, *args, **kwargs):
        """``call(*args, **kwargs)``, noted as what *step* of *host* is
        waiting for (in a worker)."""
        self.asking[step, host] = '%s(%s)' % (
            getattr(call, '__name__', call), host)
        return call(*args, **kwargs)

    def find_hypervisor(self, host):
        try:
            found = self.ask('node', host, self.nova.get_compute_node_by_name,
                             host, servers=True, detailed=True)
        except nova_errors.NotFound:
            return None  # vanished since it was listed: not a fault
        found = [h for h in found if h.service_host == host]
        if not found or found[0].hypervisor_type == 'ironic':
            return None
        return found[0]

    def node_of(self, hypervisor):
        """The node of *hypervisor*, or None when Placement has no resource
        provider for it: the node is gone, deleted since Nova answered."""
        host = hypervisor.service_host
        rp_uuid = _uuid(hypervisor.uuid, '%s: compute node %s uuid' % (
            _from('get_compute_node_by_name', host), host))
        try:
            inventories = self.ask('node', host,
                                   self.placement.get_inventories, rp_uuid)
        except nova_errors.NotFound:
            return None
        return node_from(hypervisor, inventories)

    def on_node(self, future):
        try:
            node = future.result()
        except Exception as exc:
            return self.fault('compute node %s' % self.node_futures[future],
                              exc)
        if node is not None:
            self.model.add_node(node)
            self.instance_futures[self.pool.submit(
                self.fetch_instances, node)] = node

    # -- step 3 -----------------------------------------------------------

    def fetch_instances(self, node):
        servers = self.ask('instances', node.hostname,
                           self.nova.get_instance_list,
                           filters={'host': node.hostname}, limit=-1)
        try:
            return [instance_from(s) for s in executor.cooperative(servers)
                    if s.vm_state != 'deleted']
        except MalformedRecord as exc:
            raise MalformedRecord('%s: %s' % (_from('get_instance_list',
                                                    node.hostname), exc))

    def on_instances(self, future):
        node = self.instance_futures[future]
        try:
            instances = future.result()
        except Exception as exc:
            return self.fault('instances of %s' % node.hostname, exc)
        self.model.add_instances(node, instances)

    # -- waiting and failing ----------------------------------------------

    def drain(self, futures, callback, what):
        left = self.pool.do_while_futures(futures, callback,
                                          futures_timeout=self.timeout)
        if left:
            calls = ', '.join(sorted(self.waiting_for(f) for f in left))
            self.fault(what, nova_errors.Timeout(
                'timeout: no answer within %s s from %s'
                % (self.timeout, calls)))

    def waiting_for(self, future):
        """The call an unfinished *future* waits for."""
        if future in self.listings:
            return self.listings[future] + '()'
        if future in self.node_futures:
            host = self.node_futures[future]
            return self.asking.get(('node', host),
                                   'get_compute_node_by_name(%s)' % host)
        node = self.instance_futures.get(future)
        if node is not None:
            return 'get_instance_list(%s)' % node.hostname
        return 'a call to Nova'

    def fault(self, what, exc):
        if self.policy == 'raise':
            raise BuildError('building the compute model failed on %s: %s'
                             % (what, exc)) from exc
        self.model.mark_incomplete('%s: %s' % (what, exc))


class NovaModelBuilder:
    """Builds compute data models with the decision engine's pool.

    :param fault_policy: ``'raise'`` (default) or ``'mark_incomplete'``.
    :param pool_class: the singleton pool class to run the calls on.
    """

    build_class = Build

    def __init__(self, fault_policy='raise',
                 pool_class=threadpool.DecisionEngineThreadPool):
        if fault_policy not in POLICIES:
            raise ValueError('fault_policy must be one of %s, not %r'
                             % (', '.join(POLICIES), fault_policy))
        self.fault_policy = fault_policy
        self.pool_class = pool_class

    def build(self, nova, placement, scope=datamodel.Scope(),
              timeout=DEFAULT_TIMEOUT):
        """The model of *scope* (a :class:`~watcher_conformance.datamodel.
        Scope`), giving up after *timeout* seconds without an answer."""
        return self.build_class(self.pool_class(), nova, placement, scope,
                                timeout, self.fault_policy).run()

    @staticmethod
    def view(model):
        """The suite's :class:`~watcher_conformance.datamodel.ModelView` of
        a :class:`~reference.model.ModelRoot`."""
        return datamodel.ModelView(
            nodes=tuple(n.as_dict()
                        for n in model.get_all_compute_nodes().values()),
            instances=tuple(i.as_dict()
                            for i in model.get_all_instances().values()),
            mapping=tuple(model.mapping()), complete=model.complete,
            problems=tuple(model.problems))

    def collector(self, nova, placement, scope=datamodel.Scope(),
                  timeout=DEFAULT_TIMEOUT):
        """A :class:`~reference.collector.Collector` sharing one model."""
        return collector.Collector(self, nova, placement, scope, timeout)
