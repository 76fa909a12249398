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

"""Act on each answer as soon as it arrives: do_while_futures."""

from futurist import waiters

from reference import threadpool


class NodeCollector:
    """The compute node and the servers of each host, as upstream's model
    builder fetches them: one call per node, then one per node's servers,
    submitted the moment that node arrives.

    :param nova: an object with upstream ``NovaHelper``'s calls.
    """

    def __init__(self, nova):
        self.nova = nova
        self.pool = threadpool.DecisionEngineThreadPool()
        self.nodes = {}    # host -> compute node
        self.servers = {}  # host -> its servers
        self.errors = {}   # host -> what its call raised

    def collect(self, hosts):
        host_of = {}  # future -> the host it is about
        for host in hosts:
            future = self.pool.submit(self.nova.get_compute_node_by_name,
                                      host, servers=True, detailed=True)
            host_of[future] = host
        server_calls = {}
        # Callbacks run here, in this thread, one at a time: they change
        # self.nodes and server_calls without a lock. The arguments after
        # the callback are passed to it after the future.
        self.pool.do_while_futures(list(host_of), self._node_arrived,
                                   host_of, server_calls)
        # The callbacks submitted the server calls; wait for the last one.
        waiters.wait_for_all(list(server_calls))
        for future, host in server_calls.items():
            if future.exception() is None:
                self.servers[host] = future.result()
            else:
                self.errors[host] = future.exception()

    def _node_arrived(self, future, host_of, server_calls):
        host = host_of[future]
        # A task that raised still arrives: its future holds the error.
        if future.exception() is not None:
            self.errors[host] = future.exception()
            return
        # Nova matches the name as a pattern: node-1 also finds node-10.
        node = next(n for n in future.result() if n.service_host == host)
        self.nodes[host] = node
        if node.servers:
            # Submitted now, while other nodes are still on their way.
            server_calls[self.pool.submit(self.nova.get_instance_list,
                                          filters={'host': host})] = host
