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

"""Give up on calls that do not answer: futures_timeout."""

from reference import threadpool


def nodes_within(nova, hosts, timeout):
    """The compute node of each host, giving up when no answer has come
    for *timeout* seconds.

    :param nova: an object with upstream ``NovaHelper``'s calls.
    :returns: ``({host: node}, [hosts without an answer])``.
    """
    pool = threadpool.DecisionEngineThreadPool()
    host_of = {pool.submit(nova.get_compute_node_by_name, host): host
               for host in hosts}
    futures = list(host_of)
    nodes = {}
    pool.do_while_futures_modify(futures, _node_arrived, host_of, nodes,
                                 futures_timeout=timeout)
    # On a timeout, the calls not started yet are cancelled and the
    # unfinished futures stay in the collection: those hosts are missing.
    # A call still running keeps its worker until it returns.
    return nodes, sorted(host_of[f] for f in futures)


def _node_arrived(future, host_of, nodes):
    host = host_of[future]
    nodes[host] = next(n for n in future.result() if n.service_host == host)
