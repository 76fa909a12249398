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

"""The model builder: one crawl per build over a shared, bounded crew.

A build is a crawl driven by one loop in the caller's thread. The loop is
the only code that touches the crawl's state, so it needs no lock: the
crew's workers only make Nova and Placement calls and drop each answer in
the crawl's inbox. The loop takes answers as they come and submits what
each one leads to:

* the scope's listings first (the compute node list for the whole cloud;
  the aggregate list and the service list at once for a scope);
* each host the moment a listing names it (not when every listing is in):
  its compute node *and* its server list, together, since the server list
  needs only the host name;
* each node's Placement inventories as soon as the node arrives, queued
  ahead of everything else, so that started hosts finish first.

A host is committed to the model whole or not at all once its last answer
is in: a host Nova no longer knows (NotFound), an ironic one, or one
listed but not Nova's leaves no trace; a host any of whose calls failed,
timed out or returned a malformed record is left out and named in the
model's problems, which mark the model incomplete (the
``mark_incomplete`` fault policy). A listing that fails leaves out the
hosts it would have named, and says so the same way; the scope is never
widened or narrowed otherwise.

*timeout* bounds each call from the moment a worker starts it: a call
without an answer by then is given up on (its worker stays busy until
Nova answers; the crew never grows past its size).
"""

import collections
import functools
import itertools
import threading
import time

from tests.independent.compute import crew as crew_
from tests.independent.compute import model as model_
from tests.independent.compute import shared
from watcher_conformance import datamodel
from watcher_conformance import nova as nova_

#: Server records handled between two yields to other green threads.
YIELD_EVERY = 200


class GaveUp(Exception):
    """A call got no answer within the build's timeout."""


class Builder:
    """``build(nova, placement, scope, timeout)`` and ``view(model)``.

    Every build of this builder shares one crew of *workers* fetchers, so
    the calls in flight never exceed *workers*, however many builds run.
    """

    def __init__(self, workers, green):
        self._fetchers = crew_.Crew(workers, green, name='fetch')

    def build(self, nova, placement, scope, timeout=None):
        return _Crawl(self._fetchers, nova, placement, scope,
                      timeout).run()

    @staticmethod
    def view(model):
        return model_.view(model)

    def collector(self, nova, placement, scope, timeout=None):
        """A shared model built by this builder on first access."""
        return shared.SharedModel(self, nova, placement, scope, timeout)

    def close(self):
        self._fetchers.stop()


def _new_host():
    return {'pending': 0, 'gone': False, 'faults': [], 'nodes': (),
            'servers': (), 'inventories': {}}


class _Crawl:
    """One build's state, touched only by the thread running :meth:`run`."""

    def __init__(self, fetchers, nova, placement, scope, timeout):
        self._fetchers = fetchers
        self._nova, self._placement = nova, placement
        self._scope, self._timeout = scope, timeout
        self._cond = threading.Condition(threading.Lock())
        self._inbox = collections.deque()  # (call, future), from workers
        self._started = {}  # call -> when a worker started it
        self._awaited = {}  # call -> future, until answered or given up
        self._serials = itertools.count()
        self._hosts = {}  # host -> its answers so far (a _new_host dict)
        self._nodes, self._instances, self._placed = {}, {}, {}
        self._problems = []

    def run(self):
        try:
            self._select()
            while self._awaited:
                call, result, error = self._next()
                call[3](call, result, error)
        finally:
            self._close()
        return model_.freeze(self._nodes, self._instances, self._placed,
                             self._problems)

    # -- calls and answers ---------------------------------------------

    def _call(self, handler, name, host, fn, *args, key=None, urgent=False,
              **kwargs):
        call = (next(self._serials), name, host, handler, key)

        def job():
            with self._cond:
                self._started[call] = time.monotonic()
                # The driver may be waiting with no deadline (nothing had
                # started): it must learn of this call's clock.
                self._cond.notify()
            return fn(*args, **kwargs)

        future = self._fetchers.submit(job, urgent=urgent)
        self._awaited[call] = future
        future.add_done_callback(functools.partial(self._post, call))

    def _post(self, call, future):
        # In a worker (or here, for a cancelled call): hand over, no more.
        with self._cond:
            self._started.pop(call, None)
            self._inbox.append((call, future))
            self._cond.notify()

    def _next(self):
        with self._cond:
            while True:
                while self._inbox:
                    call, future = self._inbox.popleft()
                    if self._awaited.pop(call, None) is not None:
                        return (call,) + _outcome(future)
                late, wait = self._overdue()
                if late is not None:
                    del self._awaited[late]
                    return late, None, GaveUp(
                        'no answer within %s s' % self._timeout)
                self._cond.wait(wait)

    def _overdue(self):
        """The call overdue, or None and how long until one may be."""
        if self._timeout is None or not self._started:
            return None, None
        call, start = min(self._started.items(), key=lambda kv: kv[1])
        left = start + self._timeout - time.monotonic()
        if left > 0:
            return None, left
        del self._started[call]
        return call, None

    def _close(self):
        with self._cond:
            self._inbox.clear()
            self._started.clear()
        awaited, self._awaited = list(self._awaited.values()), {}
        self._fetchers.cancel(awaited)

    def _fault(self, call, what):
        return '%s(%s) failed: %s' % (call[1], call[2] or '', what)

    # -- listings ------------------------------------------------------

    def _select(self):
        scope = self._scope
        if scope.whole_cloud:
            self._call(self._on_node_list, 'get_compute_node_list', None,
                       self._nova.get_compute_node_list)
        if scope.aggregates:
            self._call(self._on_aggregates, 'get_aggregate_list', None,
                       self._nova.get_aggregate_list)
        if scope.zones:
            self._call(self._on_services, 'get_service_list', None,
                       self._nova.get_service_list)

    def _listing_failed(self, call, error):
        self._problems.append(self._fault(call, _why(error)))

    def _on_node_list(self, call, result, error):
        if error is not None:
            return self._listing_failed(call, error)
        for hypervisor in result:
            if hypervisor.hypervisor_type != 'ironic':
                self._visit(call, hypervisor.service_host, 'compute node')

    def _on_aggregates(self, call, result, error):
        if error is not None:
            return self._listing_failed(call, error)
        wanted = self._scope.aggregates
        every = datamodel.ALL in wanted
        for aggregate in result:
            if not (every or aggregate.id in wanted
                    or aggregate.name in wanted):
                continue
            hosts = aggregate.hosts
            if not isinstance(hosts, (tuple, list)):
                self._problems.append(self._fault(call, (
                    'malformed record: aggregate %s (%s) has hosts %r'
                    % (aggregate.id, aggregate.name, hosts))))
                continue
            for host in hosts:
                self._visit(call, host, 'aggregate %s' % aggregate.name)

    def _on_services(self, call, result, error):
        if error is not None:
            return self._listing_failed(call, error)
        wanted = self._scope.zones
        every = datamodel.ALL in wanted
        for service in result:
            if not (every or service.zone in wanted):
                continue
            if service.binary == 'nova-compute':
                self._visit(call, service.host,
                            'service %s' % service.uuid)

    # -- hosts ---------------------------------------------------------

    def _visit(self, call, host, source):
        if not isinstance(host, str) or not host:
            self._problems.append(self._fault(call, (
                'malformed record: %s names host %r' % (source, host))))
            return
        if host in self._hosts:
            return
        entry = self._hosts[host] = _new_host()
        entry['pending'] = 2
        self._call(self._on_node, 'get_compute_node_by_name', host,
                   self._nova.get_compute_node_by_name, host,
                   servers=False, detailed=True)
        self._call(self._on_servers, 'get_instance_list', host,
                   self._nova.get_instance_list, filters={'host': host},
                   limit=-1)

    def _answered(self, call, error):
        """The host's entry, its pending count and faults updated."""
        entry = self._hosts[call[2]]
        entry['pending'] -= 1
        if isinstance(error, nova_.NotFound):
            entry['gone'] = True
        elif error is not None:
            entry['faults'].append(self._fault(call, _why(error)))
        return entry

    def _on_node(self, call, result, error):
        host = call[2]
        entry = self._answered(call, error)
        if error is None:
            # Nova matches the name as a pattern: keep this host's only.
            entry['nodes'] = [h for h in result if h.service_host == host
                              and h.hypervisor_type != 'ironic']
            if not entry['nodes']:
                entry['gone'] = True
            for hypervisor in entry['nodes']:
                try:
                    model_.node_of(hypervisor, {})
                except model_.Malformed as exc:
                    entry['faults'].append(self._fault(
                        call, 'malformed record: %s' % exc))
                    continue
                entry['pending'] += 1
                self._call(self._on_inventories, 'get_inventories', host,
                           self._placement.get_inventories,
                           hypervisor.uuid, key=hypervisor.uuid,
                           urgent=True)
        self._settle(host, entry)

    def _on_servers(self, call, result, error):
        entry = self._answered(call, error)
        if error is None:
            entry['servers'] = result
        self._settle(call[2], entry)

    def _on_inventories(self, call, result, error):
        entry = self._answered(call, error)
        if error is None:
            entry['inventories'][call[4]] = result
        self._settle(call[2], entry)

    def _settle(self, host, entry):
        if entry['pending']:
            return
        if not entry['gone']:
            if entry['faults']:
                self._problems.extend(entry['faults'])
            else:
                self._commit(host, entry)
        entry.update(nodes=(), servers=(), inventories={})

    def _commit(self, host, entry):
        try:
            nodes = {}
            for hypervisor in entry['nodes']:
                node = model_.node_of(hypervisor,
                                      entry['inventories'][hypervisor.uuid])
                nodes[hypervisor.hypervisor_hostname] = node
        except model_.Malformed as exc:
            return self._problems.append('get_inventories(%s) failed: '
                                         'malformed record: %s' % (host, exc))
        try:
            instances, placed = _instances(entry['servers'], nodes)
        except model_.Malformed as exc:
            return self._problems.append('get_instance_list(%s) failed: '
                                         'malformed record: %s' % (host, exc))
        self._nodes.update((n['uuid'], n) for n in nodes.values())
        self._instances.update(instances)
        self._placed.update(placed)


def _instances(servers, nodes):
    """The live servers' instances and the node uuid each runs on."""
    first = next(iter(nodes.values()))['uuid']
    instances, placed = {}, {}
    for count, server in enumerate(servers, 1):
        if not count % YIELD_EVERY:
            time.sleep(0)  # a green thread lets the others run
        if not model_.is_live(server):
            continue
        instance = model_.instance_of(server)
        instances[instance['uuid']] = instance
        node = nodes.get(server.hypervisor_hostname)
        placed[instance['uuid']] = node['uuid'] if node else first
    return instances, placed


def _outcome(future):
    if future.cancelled():
        return None, GaveUp('cancelled: the builder was stopped')
    error = future.exception()
    return (None, error) if error is not None else (future.result(), None)


def _why(error):
    return '%s: %s' % (type(error).__name__, error)
