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

"""The obligations of the model_builder area: see
:mod:`watcher_conformance.obligations`.

The steps of a build are named by the calls they make, as upstream's
helpers name them: ``get_aggregate_list`` and ``get_service_list`` (the
hosts of a scope), ``get_compute_node_list`` (the hosts of the whole
cloud), ``get_compute_node_by_name`` (a host's compute node),
``get_inventories`` (its Placement inventories) and ``get_instance_list``
(its servers). The fault kinds are the simulated Nova's: error, timeout,
hang, malformed record, slow (within the timeout).
"""

from watcher_conformance import obligations

must = obligations.must

#: Where the facts come from (``/work/shared/notes`` and ``seeds``).
UPSTREAM = 'upstream Watcher 17 NovaModelBuilder (notes: ' \
    'upstream-watcher-17.md, section 2.2)'
HELPERS = 'upstream Watcher 17 NovaHelper and PlacementHelper (notes: ' \
    'upstream-watcher-17.md, section 2.3)'
ELEMENTS = 'upstream Watcher 17 model elements (notes: ' \
    'upstream-watcher-17.md, section 2.4: NonNegativeInteger fields, ' \
    'Hypervisor.__post_init__ checks its uuid)'
POOL = 'upstream Watcher 17 DecisionEngineThreadPool, a process-wide ' \
    'singleton of max_general_workers (notes: section 1.1)'
TIMEOUT = 'upstream [collector] compute_resources_collector_timeout, the ' \
    'futures_timeout of each wait (notes: sections 1.1, 1.2, 2.2)'
GUIDE = 'seed: watcher-concurrency-guide (the builder on the pool)'
SEED = 'seed: nova-threading-model (a build sees a cloud that changes)'
CONTRACT = 'the contract (contract.rst, The model_builder piece)'
BUG_PREFIX = 'upstream defect: get_compute_node_by_name matches host ' \
    'names as patterns and the collector takes the first answer'
BUG_SILENT = 'upstream deviation: faults are logged and the model ' \
    'returned looks complete (upstream-results.rst)'

SHARED = 'model_builder.shared_model'
RAISE = 'model_builder.fault_policy=raise'
MARK = 'model_builder.fault_policy=mark_incomplete'

OBLIGATIONS = [
    # -- what a complete model holds ---------------------------------------
    must('model_builder.nodes.every_node_once', """
        The model MUST hold every compute node of the hosts its scope
        selects exactly once, whatever the cloud's shape (no node, one,
        exactly as many as workers, many, empty ones).""",
         source=UPSTREAM),
    must('model_builder.nodes.no_ironic', """
        The model MUST NOT hold ironic (baremetal) nodes nor their
        instances, whether the hosts come from the compute node list or
        from a scope.""",
         source=UPSTREAM + ': the ironic filter of _compute_node_future'),
    must('model_builder.instances.every_live_once', """
        The model MUST hold every instance that is not deleted of its nodes
        exactly once, however the instance fetches interleave.""",
         source=UPSTREAM),
    must('model_builder.instances.no_deleted', """
        The model MUST NOT hold deleted instances (vm_state deleted).""",
         source=UPSTREAM + ': add_instance_node skips them'),
    must('model_builder.instances.every_page', """
        The model MUST hold every instance of a node with more than 1000
        instances (more than one page of Nova's answers).""",
         source=UPSTREAM + ': limit -1 past 1000 servers'),
    must('model_builder.mapping.own_node', """
        Every instance MUST be mapped to the node it runs on, and only to
        it.""",
         source=UPSTREAM + ': map_instance'),
    must('model_builder.attributes.node_from_placement', """
        A node's VCPU, MEMORY_MB and DISK_GB capacities MUST be the total,
        reserved and allocation ratio of its Placement inventory of that
        class when it has one.""",
         source=UPSTREAM + ': build_compute_node'),
    must('model_builder.attributes.node_fallback', """
        When Placement answers without an inventory of a class (or with no
        inventory at all), that capacity MUST be the hypervisor's (vcpus,
        memory_mb, local_gb) with no reserve and a ratio of 1, and the
        model MUST still be complete: a missing inventory is not a
        fault.""",
         source=UPSTREAM + ': build_compute_node falls back per class'),
    must('model_builder.attributes.instance', """
        An instance's attributes MUST be those of its server and flavor,
        and a volume-backed instance MUST NOT count its flavor's root
        disk.""",
         source=UPSTREAM + ': _build_instance_node'),
    must('model_builder.hosts.exact_match', """
        A node MUST be modelled from its own compute node even when its
        host name is a prefix of another's (Nova matches host names as
        patterns: node-1 also matches node-10).""",
         source=BUG_PREFIX),
    must('model_builder.complete.empty_cloud', """
        A cloud (or scope) without compute nodes MUST give an empty model
        marked complete.""",
         source=CONTRACT),
    must('model_builder.complete.marked_complete', """
        A build that Nova and Placement never failed MUST give a model
        marked complete.""",
         source=CONTRACT + ': ModelView.complete'),
    must('model_builder.order.any_answer_order', """
        The model MUST NOT depend on the order in which Nova answers: the
        compute nodes answered in the reverse of the order asked, and a
        node's servers answered before the node itself, MUST give the same
        model.""",
         source=GUIDE + ': futures finish in any order'),

    # -- scopes --------------------------------------------------------------
    must('model_builder.scope.aggregates_by_id', """
        A scope naming host aggregates by id MUST model exactly their
        hosts.""",
         source=UPSTREAM + ': _collect_aggregates'),
    must('model_builder.scope.aggregates_by_name', """
        A scope naming host aggregates by name MUST model exactly their
        hosts.""",
         source=UPSTREAM + ': _collect_aggregates'),
    must('model_builder.scope.zones', """
        A scope naming availability zones MUST model exactly the hosts of
        their compute services.""",
         source=UPSTREAM + ': _collect_zones'),
    must('model_builder.scope.union', """
        A scope naming both aggregates and zones MUST model the hosts of
        either.""",
         source=UPSTREAM + ': both add to one set of hosts'),
    must('model_builder.scope.every_aggregate', """
        A scope of every aggregate ('*') MUST model the hosts that are in
        some aggregate, and no other.""",
         source=UPSTREAM),
    must('model_builder.scope.selects_nothing', """
        A scope that selects no host MUST give an empty model; it MUST NOT
        be widened to the whole cloud.""",
         source='upstream deviation: no_model_scope_flag models the whole '
         'cloud (upstream-results.rst)'),
    must('model_builder.scope.stale_hosts', """
        Hosts a scope names that Nova has no compute node for MUST be left
        out, and the rest of the scope MUST still be modelled.""",
         source=HELPERS + ': ComputeResourceNotFound'),

    # -- parallelism ---------------------------------------------------------
    must('model_builder.parallel.reaches_workers', """
        A build MUST have as many Nova and Placement calls in flight at
        once as the builder has workers (W) when the cloud has work for
        all of them.""",
         source=GUIDE + ': the three steps run on the pool'),
    must('model_builder.parallel.bound_per_build', """
        A build MUST NOT have more than W Nova and Placement calls in
        flight at once.""",
         source=POOL + '; upstream deviation: Placement asked in the '
         'calling thread'),
    must('model_builder.parallel.bound_per_builder', """
        Builds running at once on one builder MUST together have no more
        than W calls in flight: the worker bound is the builder's, not each
        build's.""",
         source=POOL + ': it bounds the load on the APIs, whoever builds'),
    must('model_builder.parallel.no_barrier', """
        A node's instances MUST be fetched as soon as that node has
        arrived, while other nodes are still being fetched.""",
         source=UPSTREAM + ': _compute_node_future submits them'),
    must('model_builder.parallel.listings_together', """
        The host aggregates and the compute services of a scope naming
        both MUST be fetched in parallel.""",
         source=UPSTREAM + ': step 1 submits both'),

    # -- faults, step by step ----------------------------------------------
    must('model_builder.faults.node_error', """
        A compute node Nova fails to return (get_compute_node_by_name
        raising an error) MUST make the build fail as the fault policy
        says.""",
         source=BUG_SILENT),
    must('model_builder.faults.instances_error', """
        A node's servers Nova fails to list (get_instance_list raising an
        error) MUST make the build fail as the fault policy says.""",
         source=BUG_SILENT),
    must('model_builder.faults.aggregates_error', """
        Host aggregates Nova fails to list MUST make a build of a scope
        naming aggregates fail as the fault policy says; it MUST NOT fall
        back to another scope.""",
         source=BUG_SILENT + ': the scope becomes the whole cloud'),
    must('model_builder.faults.services_error', """
        Compute services Nova fails to list MUST make a build of a scope
        naming zones fail as the fault policy says; it MUST NOT fall back
        to another scope.""",
         source=BUG_SILENT + ': the scope becomes the whole cloud'),
    must('model_builder.faults.node_list_error', """
        A failure to list the compute nodes MUST make a build of the whole
        cloud fail as the fault policy says.""",
         source=BUG_SILENT),
    must('model_builder.faults.placement_error', """
        A node's inventories Placement fails to return MUST make the build
        fail as the fault policy says: the capacities MUST NOT silently
        fall back to the hypervisor's.""",
         source='upstream deviation: get_inventories returns None on any '
         'error'),
    must('model_builder.faults.timeout', """
        A call of any step (the listings, a compute node, its inventories,
        its servers) for which Nova reports a timeout MUST make the build
        fail as the fault policy says.""",
         source=BUG_SILENT),
    must('model_builder.faults.hang', """
        A call of any step that does not answer within the build's timeout
        MUST make the build fail as the fault policy says, without waiting
        for the call to answer.""",
         source=TIMEOUT),
    must('model_builder.faults.malformed_node', """
        A compute node record whose uuid is not a UUID, or whose vcpus,
        memory_mb or local_gb the model takes and is missing, not an
        integer or negative, MUST make the build fail as the fault policy
        says.""",
         source=ELEMENTS),
    must('model_builder.faults.malformed_inventory', """
        An inventory whose total or reserved is not a non-negative integer,
        or whose allocation ratio is not a positive number, MUST make the
        build fail as the fault policy says.""",
         source=ELEMENTS),
    must('model_builder.faults.malformed_server', """
        A server that is not deleted whose uuid is not a UUID, or whose
        flavor lacks ram, vcpus, disk, ephemeral or swap or has one that is
        not a non-negative integer, MUST make the build fail as the fault
        policy says.""",
         source=ELEMENTS),
    must('model_builder.faults.malformed_listing', """
        An aggregate the scope selects without its hosts, a compute service
        of a selected zone without its host, or a compute node of the
        compute node list without its service host MUST make the build
        fail as the fault policy says.""",
         source=HELPERS),
    must('model_builder.faults.slow_not_fault', """
        A call of any step that answers within the build's timeout MUST
        NOT be a fault: the model MUST be complete.""",
         source=TIMEOUT),
    must('model_builder.faults.timeout_per_answer', """
        The build's timeout MUST bound the wait for each answer, not the
        whole build: a build that takes longer than the timeout while
        every call answers within it MUST give a complete model.""",
         source=TIMEOUT + ': a large cloud takes longer than one answer'),
    must('model_builder.faults.names_step', """
        A failed build MUST name the call that failed, by the helper
        method's name (get_instance_list...), and the host a call about
        one host was about.""",
         source=CONTRACT + ': an operator must find what failed'),
    must('model_builder.faults.names_kind', """
        A failed build MUST say the kind of fault: Nova's own message for
        an error or a timeout Nova reported, "timeout", "timed out" or "no
        answer" for a call given up on, "malformed" for a refused
        record.""",
         source=CONTRACT + ': an operator must know what to fix'),
    must('model_builder.faults.recovers', """
        A builder whose build failed MUST build complete models
        afterwards.""",
         source='the piece stays usable after an error (brief: every '
         'callable that raises)'),

    # -- the fault policy --------------------------------------------------
    must('model_builder.policy.raise_raises', """
        Under the raise policy, a build that Nova or Placement failed MUST
        raise rather than return a model.""",
         source=CONTRACT + ': Policies', policy=RAISE),
    must('model_builder.policy.mark_marks', """
        Under the mark_incomplete policy, a build that Nova or Placement
        failed MUST return a model whose view says complete=False.""",
         source=CONTRACT + ': Policies', policy=MARK),
    must('model_builder.policy.incomplete_holds_only_truth', """
        Under the mark_incomplete policy, an incomplete model MUST hold
        nothing outside its scope and nothing wrong: no wrong attribute,
        no wrong mapping, no instance whose node it does not hold.""",
         source=CONTRACT + ': the scope is never widened or narrowed to '
         'work around a failure', policy=MARK),
    must('model_builder.policy.incomplete_keeps_untouched', """
        Under the mark_incomplete policy, an incomplete model MUST still
        hold every host the fault did not touch, with all its
        instances.""",
         source=CONTRACT + ': only what failed is missing', policy=MARK),

    # -- a cloud that changes during a build ---------------------------------
    must('model_builder.events.vanished_before_fetch', """
        A node that vanishes between being listed and being fetched (Nova
        says NotFound) MUST be left out with its instances, and the model
        MUST be complete: it is not a fault.""",
         source=HELPERS + '; ' + SEED),
    must('model_builder.events.vanished_before_inventories', """
        A node whose resource provider Placement no longer knows (NotFound,
        the node deleted after Nova answered) MUST be left out with its
        instances, and the model MUST be complete: it is not a fault.""",
         source=SEED + '; Nova deletes a compute node\'s resource provider '
         'with the node'),
    must('model_builder.events.vanished_before_servers', """
        A node that vanishes after its compute node and inventories
        answered MUST be modelled with the servers Nova lists for it then,
        in a complete model.""",
         source=SEED),

    # -- sharing -------------------------------------------------------------
    must('model_builder.sharing.builds_isolated', """
        Builds running at once on one builder, of different clouds and
        scopes, MUST each give exactly the model of its own cloud and
        scope, however their calls interleave.""",
         source='upstream defect: self.model = self.model or ModelRoot() '
         'keeps one model on the builder'),
    must('model_builder.sharing.first_access_once', """
        Readers reaching at once for a shared model not built yet MUST
        cause one build, not one each.""",
         source=UPSTREAM + ': the collector builds under its lock',
         feature=SHARED),
    must('model_builder.sharing.first_readers_complete', """
        Every reader reaching at once for a shared model not built yet MUST
        get the complete model.""",
         source=UPSTREAM, feature=SHARED),
    must('model_builder.sharing.failed_first_build', """
        Under the raise policy, a reader whose first access to a shared
        model fails MUST get the build's error, and a later reader MUST get
        a new, complete model once Nova answers: a failure is not kept as
        the model.""",
         source=CONTRACT + ': the piece stays usable after an error',
         feature=SHARED, policy=RAISE),
]
